-- Alkemio server (TypeORM) schema subset, PostgreSQL flavour, as TypeORM's PostgreSQL
-- migrations create it: uuid keys, SERIAL rowId, timestamp (without time zone), boolean,
-- jsonb/json, text, bytea and an enum type. Generated for the converge_assets demo.

CREATE TYPE "profile_type_enum" AS ENUM('space', 'challenge', 'opportunity', 'organization', 'user', 'user-group', 'callout-framing', 'whiteboard', 'memo', 'post', 'discussion', 'innovation-flow', 'template', 'calendar-event', 'innovation-hub', 'knowledge-base', 'virtual-contributor');

CREATE TABLE "authorization_policy" (
  "id" uuid NOT NULL DEFAULT gen_random_uuid(),
  "createdDate" TIMESTAMP NOT NULL DEFAULT now(),
  "updatedDate" TIMESTAMP NOT NULL DEFAULT now(),
  "version" integer NOT NULL,
  "credentialRules" jsonb NOT NULL,
  "privilegeRules" jsonb NOT NULL,
  "type" character varying(128) NOT NULL,
  "parentAuthorizationPolicyId" uuid,
  CONSTRAINT "PK_fe66e152ac920baa9a53a3499b7" PRIMARY KEY ("id")
);

CREATE TABLE "location" (
  "id" uuid NOT NULL DEFAULT gen_random_uuid(),
  "createdDate" TIMESTAMP NOT NULL DEFAULT now(),
  "updatedDate" TIMESTAMP NOT NULL DEFAULT now(),
  "version" integer NOT NULL,
  "city" character varying(255),
  "country" character varying(255),
  "addressLine1" character varying(512),
  "addressLine2" character varying(512),
  "stateOrProvince" character varying(255),
  "postalCode" character varying(128),
  "geoLocation" json,
  CONSTRAINT "PK_876d7bdba03c72251ec4c2dc827" PRIMARY KEY ("id")
);

CREATE TABLE "profile" (
  "id" uuid NOT NULL DEFAULT gen_random_uuid(),
  "createdDate" TIMESTAMP NOT NULL DEFAULT now(),
  "updatedDate" TIMESTAMP NOT NULL DEFAULT now(),
  "version" integer NOT NULL,
  "displayName" text NOT NULL,
  "tagline" text,
  "description" text,
  "type" "profile_type_enum" NOT NULL,
  "authorizationId" uuid,
  "locationId" uuid,
  CONSTRAINT "REL_a96475631aba7dce41db03cc8b" UNIQUE ("authorizationId"),
  CONSTRAINT "REL_432056041df0e4337b17ff7b09" UNIQUE ("locationId"),
  CONSTRAINT "PK_3dd8bfc97e4a77c70971591bdcb" PRIMARY KEY ("id")
);

CREATE TABLE "reference" (
  "id" uuid NOT NULL DEFAULT gen_random_uuid(),
  "createdDate" TIMESTAMP NOT NULL DEFAULT now(),
  "updatedDate" TIMESTAMP NOT NULL DEFAULT now(),
  "version" integer NOT NULL,
  "name" character varying(255) NOT NULL,
  "uri" text NOT NULL,
  "description" text,
  "authorizationId" uuid,
  "profileId" uuid,
  CONSTRAINT "REL_73e8ae665a49366ca7e2866a45" UNIQUE ("authorizationId"),
  CONSTRAINT "PK_01bacbbdd90839b7dce352e4250" PRIMARY KEY ("id")
);

CREATE TABLE "tagset" (
  "id" uuid NOT NULL DEFAULT gen_random_uuid(),
  "createdDate" TIMESTAMP NOT NULL DEFAULT now(),
  "updatedDate" TIMESTAMP NOT NULL DEFAULT now(),
  "version" integer NOT NULL,
  "name" character varying(255) NOT NULL DEFAULT 'default',
  "type" character varying(128) NOT NULL,
  "tags" text NOT NULL,
  "authorizationId" uuid,
  "profileId" uuid,
  CONSTRAINT "REL_eb59b98ee6ef26c993d0d75c83" UNIQUE ("authorizationId"),
  CONSTRAINT "PK_01dda0b4883d2ef450ef898038f" PRIMARY KEY ("id")
);

CREATE TABLE "visual" (
  "id" uuid NOT NULL DEFAULT gen_random_uuid(),
  "createdDate" TIMESTAMP NOT NULL DEFAULT now(),
  "updatedDate" TIMESTAMP NOT NULL DEFAULT now(),
  "version" integer NOT NULL,
  "name" character varying(255) NOT NULL,
  "uri" character varying(2048) NOT NULL,
  "minWidth" integer NOT NULL,
  "maxWidth" integer NOT NULL,
  "minHeight" integer NOT NULL,
  "maxHeight" integer NOT NULL,
  "aspectRatio" numeric(3,1) NOT NULL,
  "allowedTypes" text NOT NULL,
  "alternativeText" character varying(120),
  "authorizationId" uuid,
  "profileId" uuid,
  CONSTRAINT "REL_4fbd109f9bb84f58b7a3c60649" UNIQUE ("authorizationId"),
  CONSTRAINT "PK_af8132b2ef744e2703ea70799cc" PRIMARY KEY ("id")
);

CREATE TABLE "agent" (
  "id" uuid NOT NULL DEFAULT gen_random_uuid(),
  "createdDate" TIMESTAMP NOT NULL DEFAULT now(),
  "updatedDate" TIMESTAMP NOT NULL DEFAULT now(),
  "version" integer NOT NULL,
  "did" character varying(255),
  "password" character varying(255),
  "type" character varying(128),
  "authorizationId" uuid,
  CONSTRAINT "REL_8ed9d1af584fa62f1ad3405b33" UNIQUE ("authorizationId"),
  CONSTRAINT "PK_1000e989398c5d4ed585cf9a46f" PRIMARY KEY ("id")
);

CREATE TABLE "credential" (
  "id" uuid NOT NULL DEFAULT gen_random_uuid(),
  "createdDate" TIMESTAMP NOT NULL DEFAULT now(),
  "updatedDate" TIMESTAMP NOT NULL DEFAULT now(),
  "version" integer NOT NULL,
  "resourceID" character varying(36) NOT NULL,
  "type" character varying(128) NOT NULL,
  "issuer" uuid,
  "expires" TIMESTAMP,
  "agentId" uuid,
  CONSTRAINT "PK_3a5169bcd3d5463cefeec78be82" PRIMARY KEY ("id")
);

CREATE TABLE "license" (
  "id" uuid NOT NULL DEFAULT gen_random_uuid(),
  "createdDate" TIMESTAMP NOT NULL DEFAULT now(),
  "updatedDate" TIMESTAMP NOT NULL DEFAULT now(),
  "version" integer NOT NULL,
  "type" character varying(128) NOT NULL,
  "authorizationId" uuid,
  CONSTRAINT "REL_bfd01743815f0dd68ac1c5c45c" UNIQUE ("authorizationId"),
  CONSTRAINT "PK_f168ac1ca5ba87286d03b2ef905" PRIMARY KEY ("id")
);

CREATE TABLE "license_entitlement" (
  "id" uuid NOT NULL DEFAULT gen_random_uuid(),
  "createdDate" TIMESTAMP NOT NULL DEFAULT now(),
  "updatedDate" TIMESTAMP NOT NULL DEFAULT now(),
  "version" integer NOT NULL,
  "type" character varying(128) NOT NULL,
  "dataType" character varying(128) NOT NULL,
  "limit" integer NOT NULL,
  "enabled" boolean NOT NULL,
  "licenseId" uuid,
  CONSTRAINT "PK_7666dbb50926db5ed4b12658684" PRIMARY KEY ("id")
);

CREATE TABLE "account" (
  "id" uuid NOT NULL DEFAULT gen_random_uuid(),
  "createdDate" TIMESTAMP NOT NULL DEFAULT now(),
  "updatedDate" TIMESTAMP NOT NULL DEFAULT now(),
  "version" integer NOT NULL,
  "type" character varying(128),
  "externalSubscriptionID" character varying(128),
  "baselineLicensePlan" jsonb NOT NULL,
  "authorizationId" uuid,
  "agentId" uuid,
  "licenseId" uuid,
  CONSTRAINT "REL_91a165c1091a6959cc19d52239" UNIQUE ("authorizationId"),
  CONSTRAINT "REL_833582df0c439ab8c9adc5240d" UNIQUE ("agentId"),
  CONSTRAINT "REL_8339e62882f239dc00ff5866f8" UNIQUE ("licenseId"),
  CONSTRAINT "PK_54115ee388cdb6d86bb4bf5b2ea" PRIMARY KEY ("id")
);

CREATE TABLE "user" (
  "id" uuid NOT NULL DEFAULT gen_random_uuid(),
  "rowId" SERIAL NOT NULL,
  "createdDate" TIMESTAMP NOT NULL DEFAULT now(),
  "updatedDate" TIMESTAMP NOT NULL DEFAULT now(),
  "version" integer NOT NULL,
  "nameID" character varying(36) NOT NULL,
  "accountUpn" character varying(128) NOT NULL,
  "firstName" character varying(128) NOT NULL,
  "lastName" character varying(128) NOT NULL,
  "email" character varying(512) NOT NULL,
  "phone" character varying(128),
  "serviceProfile" boolean NOT NULL,
  "authenticationID" uuid,
  "settings" jsonb NOT NULL,
  "accountID" uuid NOT NULL,
  "authorizationId" uuid,
  "profileId" uuid,
  "agentId" uuid,
  CONSTRAINT "UQ_266bc44a18601f893566962df69" UNIQUE ("rowId"),
  CONSTRAINT "UQ_ad8730bcd46ca67fb2d1edd7565" UNIQUE ("nameID"),
  CONSTRAINT "UQ_e12875dfb3b1d92d7d7c5377e22" UNIQUE ("email"),
  CONSTRAINT "REL_09f909622aa177a097256b7cc2" UNIQUE ("authorizationId"),
  CONSTRAINT "REL_9466682df91534dd95e4dbaa61" UNIQUE ("profileId"),
  CONSTRAINT "REL_b61c694cacfab25533bd23d9ad" UNIQUE ("agentId"),
  CONSTRAINT "PK_cace4a159ff9f2512dd42373760" PRIMARY KEY ("id")
);

CREATE TABLE "role_set" (
  "id" uuid NOT NULL DEFAULT gen_random_uuid(),
  "createdDate" TIMESTAMP NOT NULL DEFAULT now(),
  "updatedDate" TIMESTAMP NOT NULL DEFAULT now(),
  "version" integer NOT NULL,
  "entryRoleName" character varying(128) NOT NULL,
  "type" character varying(128) NOT NULL,
  "authorizationId" uuid,
  "licenseId" uuid,
  "parentRoleSetId" uuid,
  CONSTRAINT "REL_b038f74c8d4eadb839e78b99ce" UNIQUE ("authorizationId"),
  CONSTRAINT "REL_c25bfb0c837427dd54e250b240" UNIQUE ("licenseId"),
  CONSTRAINT "PK_68be1f1c57124a17e621febc139" PRIMARY KEY ("id")
);

CREATE TABLE "organization" (
  "id" uuid NOT NULL DEFAULT gen_random_uuid(),
  "rowId" SERIAL NOT NULL,
  "createdDate" TIMESTAMP NOT NULL DEFAULT now(),
  "updatedDate" TIMESTAMP NOT NULL DEFAULT now(),
  "version" integer NOT NULL,
  "nameID" character varying(36) NOT NULL,
  "accountID" uuid NOT NULL,
  "legalEntityName" character varying(255),
  "domain" character varying(255),
  "website" character varying(255),
  "contactEmail" character varying(255),
  "settings" jsonb NOT NULL,
  "authorizationId" uuid,
  "profileId" uuid,
  "agentId" uuid,
  "roleSetId" uuid,
  CONSTRAINT "UQ_9fdd8f0bfe04a676822c7265e17" UNIQUE ("rowId"),
  CONSTRAINT "UQ_d11fdb37a7b736d053b762b27c9" UNIQUE ("nameID"),
  CONSTRAINT "REL_e0e150e4f11d906b931b46a2d8" UNIQUE ("authorizationId"),
  CONSTRAINT "REL_d2cb77c14644156ec8e865608e" UNIQUE ("profileId"),
  CONSTRAINT "REL_7f1bec8979b57ed7ebd392a2ca" UNIQUE ("agentId"),
  CONSTRAINT "REL_857684833bbd26eff72f97bcfd" UNIQUE ("roleSetId"),
  CONSTRAINT "PK_472c1f99a32def1b0abb219cd67" PRIMARY KEY ("id")
);

CREATE TABLE "callouts_set" (
  "id" uuid NOT NULL DEFAULT gen_random_uuid(),
  "createdDate" TIMESTAMP NOT NULL DEFAULT now(),
  "updatedDate" TIMESTAMP NOT NULL DEFAULT now(),
  "version" integer NOT NULL,
  "type" character varying(128) NOT NULL,
  "authorizationId" uuid,
  CONSTRAINT "REL_8f3fd7a83451183166aac4ad02" UNIQUE ("authorizationId"),
  CONSTRAINT "PK_ea25b817d864ffa7e41a9254749" PRIMARY KEY ("id")
);

CREATE TABLE "collaboration" (
  "id" uuid NOT NULL DEFAULT gen_random_uuid(),
  "createdDate" TIMESTAMP NOT NULL DEFAULT now(),
  "updatedDate" TIMESTAMP NOT NULL DEFAULT now(),
  "version" integer NOT NULL,
  "isTemplate" boolean NOT NULL DEFAULT false,
  "authorizationId" uuid,
  "calloutsSetId" uuid,
  "licenseId" uuid,
  CONSTRAINT "REL_262ecf3f5d70b82a4833618425" UNIQUE ("authorizationId"),
  CONSTRAINT "REL_9e1ebbc0972fa354d33b67a1a0" UNIQUE ("calloutsSetId"),
  CONSTRAINT "REL_aa5815c9577533141cbc4aebe9" UNIQUE ("licenseId"),
  CONSTRAINT "PK_16651fd53e1fc690513e3346063" PRIMARY KEY ("id")
);

CREATE TABLE "space" (
  "id" uuid NOT NULL DEFAULT gen_random_uuid(),
  "rowId" SERIAL NOT NULL,
  "createdDate" TIMESTAMP NOT NULL DEFAULT now(),
  "updatedDate" TIMESTAMP NOT NULL DEFAULT now(),
  "version" integer NOT NULL,
  "nameID" character varying(36) NOT NULL,
  "level" integer NOT NULL,
  "levelZeroSpaceID" uuid,
  "visibility" character varying(128) NOT NULL,
  "settings" jsonb NOT NULL,
  "platformRolesAccess" jsonb NOT NULL,
  "authorizationId" uuid,
  "profileId" uuid,
  "agentId" uuid,
  "collaborationId" uuid,
  "roleSetId" uuid,
  "licenseId" uuid,
  "parentSpaceId" uuid,
  "accountId" uuid,
  CONSTRAINT "UQ_0f03c61020ea0dfa0198c60304d" UNIQUE ("rowId"),
  CONSTRAINT "REL_8d03fd2c8e8411ec9192c79cd9" UNIQUE ("authorizationId"),
  CONSTRAINT "REL_b4250035291aac1329d59224a9" UNIQUE ("profileId"),
  CONSTRAINT "REL_9c664d684f987a735678b0ba82" UNIQUE ("agentId"),
  CONSTRAINT "REL_ea06eb8894469a0f262d929bf0" UNIQUE ("collaborationId"),
  CONSTRAINT "REL_73960ab73b44c4f2a22a91cdda" UNIQUE ("roleSetId"),
  CONSTRAINT "REL_3ef80ef55ba1a1d45e625ea838" UNIQUE ("licenseId"),
  CONSTRAINT "PK_094f5ec727fe052956a11623640" PRIMARY KEY ("id")
);

CREATE TABLE "callout_contribution_defaults" (
  "id" uuid NOT NULL DEFAULT gen_random_uuid(),
  "createdDate" TIMESTAMP NOT NULL DEFAULT now(),
  "updatedDate" TIMESTAMP NOT NULL DEFAULT now(),
  "version" integer NOT NULL,
  "defaultDisplayName" character varying(255),
  "postDescription" text,
  "whiteboardContent" text,
  CONSTRAINT "PK_e849012977f1f9f3b788ca38100" PRIMARY KEY ("id")
);

CREATE TABLE "whiteboard" (
  "id" uuid NOT NULL DEFAULT gen_random_uuid(),
  "createdDate" TIMESTAMP NOT NULL DEFAULT now(),
  "updatedDate" TIMESTAMP NOT NULL DEFAULT now(),
  "version" integer NOT NULL,
  "nameID" character varying(36) NOT NULL,
  "content" text NOT NULL,
  "createdBy" uuid,
  "contentUpdatePolicy" character varying(128) NOT NULL,
  "previewSettings" json NOT NULL,
  "authorizationId" uuid,
  "profileId" uuid,
  CONSTRAINT "REL_d3b86160bb7d704212382b0ca4" UNIQUE ("authorizationId"),
  CONSTRAINT "REL_3f9e9e2798d2a4d84b16ee8477" UNIQUE ("profileId"),
  CONSTRAINT "PK_a699ea2431d3243458dc9350c0a" PRIMARY KEY ("id")
);

CREATE TABLE "memo" (
  "id" uuid NOT NULL DEFAULT gen_random_uuid(),
  "createdDate" TIMESTAMP NOT NULL DEFAULT now(),
  "updatedDate" TIMESTAMP NOT NULL DEFAULT now(),
  "version" integer NOT NULL,
  "nameID" character varying(36) NOT NULL,
  "content" bytea,
  "createdBy" uuid,
  "contentUpdatePolicy" character varying(128) NOT NULL,
  "authorizationId" uuid,
  "profileId" uuid,
  CONSTRAINT "REL_c3a02e516496db62a676a0bfb7" UNIQUE ("authorizationId"),
  CONSTRAINT "REL_3eae185405c8e3a7d1828cf863" UNIQUE ("profileId"),
  CONSTRAINT "PK_612b46ac33a01fda3efb085302d" PRIMARY KEY ("id")
);

CREATE TABLE "callout_framing" (
  "id" uuid NOT NULL DEFAULT gen_random_uuid(),
  "createdDate" TIMESTAMP NOT NULL DEFAULT now(),
  "updatedDate" TIMESTAMP NOT NULL DEFAULT now(),
  "version" integer NOT NULL,
  "type" character varying(128) NOT NULL,
  "authorizationId" uuid,
  "profileId" uuid,
  "whiteboardId" uuid,
  "memoId" uuid,
  CONSTRAINT "REL_c9d7c2c4eb8a1d012ddc6605da" UNIQUE ("authorizationId"),
  CONSTRAINT "REL_f53e2d266432e58e538a366705" UNIQUE ("profileId"),
  CONSTRAINT "REL_8bc0e1f40be5816d3a593cbf7f" UNIQUE ("whiteboardId"),
  CONSTRAINT "REL_7c71c36a3eba63b8b52b30eb25" UNIQUE ("memoId"),
  CONSTRAINT "PK_9d2f7f4f0fad68294a364bc2071" PRIMARY KEY ("id")
);

CREATE TABLE "room" (
  "id" uuid NOT NULL DEFAULT gen_random_uuid(),
  "createdDate" TIMESTAMP NOT NULL DEFAULT now(),
  "updatedDate" TIMESTAMP NOT NULL DEFAULT now(),
  "version" integer NOT NULL,
  "messagesCount" integer NOT NULL,
  "type" character varying(128) NOT NULL,
  "displayName" character varying(255) NOT NULL,
  "authorizationId" uuid,
  CONSTRAINT "REL_d1d94dd8e0c417b4188a05ccbc" UNIQUE ("authorizationId"),
  CONSTRAINT "PK_c6d46db005d623e691b2fbcba23" PRIMARY KEY ("id")
);

CREATE TABLE "callout" (
  "id" uuid NOT NULL DEFAULT gen_random_uuid(),
  "createdDate" TIMESTAMP NOT NULL DEFAULT now(),
  "updatedDate" TIMESTAMP NOT NULL DEFAULT now(),
  "version" integer NOT NULL,
  "nameID" character varying(36) NOT NULL,
  "sortOrder" integer NOT NULL,
  "isTemplate" boolean NOT NULL DEFAULT false,
  "createdBy" uuid,
  "publishedBy" uuid,
  "publishedDate" TIMESTAMP,
  "settings" jsonb NOT NULL,
  "authorizationId" uuid,
  "framingId" uuid,
  "contributionDefaultsId" uuid,
  "commentsId" uuid,
  "calloutsSetId" uuid,
  CONSTRAINT "REL_6289dee12effb51320051c6f1f" UNIQUE ("authorizationId"),
  CONSTRAINT "REL_cf776244b01436d8ca5cc76284" UNIQUE ("framingId"),
  CONSTRAINT "REL_36b0da55acff774d0845aeb55f" UNIQUE ("contributionDefaultsId"),
  CONSTRAINT "REL_62ed316cda7b75735b20307b47" UNIQUE ("commentsId"),
  CONSTRAINT "PK_b0de4e3682528ac95da8263cfea" PRIMARY KEY ("id")
);

CREATE TABLE "activity" (
  "id" uuid NOT NULL DEFAULT gen_random_uuid(),
  "rowId" SERIAL NOT NULL,
  "createdDate" TIMESTAMP NOT NULL DEFAULT now(),
  "updatedDate" TIMESTAMP NOT NULL DEFAULT now(),
  "version" integer NOT NULL,
  "triggeredBy" uuid NOT NULL,
  "resourceID" uuid NOT NULL,
  "parentID" uuid,
  "collaborationID" uuid NOT NULL,
  "messageID" character(44),
  "visibility" boolean NOT NULL,
  "description" character varying(512),
  "type" character varying(128) NOT NULL,
  CONSTRAINT "UQ_07a39cea9426b689be25fd61ded" UNIQUE ("rowId"),
  CONSTRAINT "PK_24625a1d6b1b089c8ae206fe467" PRIMARY KEY ("id")
);

CREATE TABLE "vc_interaction" (
  "id" uuid NOT NULL DEFAULT gen_random_uuid(),
  "createdDate" TIMESTAMP NOT NULL DEFAULT now(),
  "updatedDate" TIMESTAMP NOT NULL DEFAULT now(),
  "version" integer NOT NULL,
  "threadID" character varying(44) NOT NULL,
  "virtualContributorID" uuid NOT NULL,
  "externalMetadata" json NOT NULL,
  "roomId" uuid,
  CONSTRAINT "PK_86198d9af3deb469f6ff10fc649" PRIMARY KEY ("id")
);

CREATE TABLE "migrations_typeorm" (
  "id" SERIAL NOT NULL,
  "timestamp" bigint NOT NULL,
  "name" character varying NOT NULL,
  CONSTRAINT "PK_48f349806db3f6cc916da893c67" PRIMARY KEY ("id")
);

CREATE TABLE "query-result-cache" (
  "id" SERIAL NOT NULL,
  "identifier" character varying,
  "time" bigint NOT NULL,
  "duration" integer NOT NULL,
  "query" text NOT NULL,
  "result" text NOT NULL,
  CONSTRAINT "PK_6a98f758d8bfd010e7e10ffd3d3" PRIMARY KEY ("id")
);

ALTER TABLE "authorization_policy" ADD CONSTRAINT "FK_24b8950effd9ba78caa48ba76df" FOREIGN KEY ("parentAuthorizationPolicyId") REFERENCES "authorization_policy"("id") ON DELETE SET NULL ON UPDATE NO ACTION;
ALTER TABLE "profile" ADD CONSTRAINT "FK_a96475631aba7dce41db03cc8b2" FOREIGN KEY ("authorizationId") REFERENCES "authorization_policy"("id") ON DELETE SET NULL ON UPDATE NO ACTION;
ALTER TABLE "profile" ADD CONSTRAINT "FK_432056041df0e4337b17ff7b09d" FOREIGN KEY ("locationId") REFERENCES "location"("id") ON DELETE SET NULL ON UPDATE NO ACTION;
ALTER TABLE "reference" ADD CONSTRAINT "FK_73e8ae665a49366ca7e2866a45d" FOREIGN KEY ("authorizationId") REFERENCES "authorization_policy"("id") ON DELETE SET NULL ON UPDATE NO ACTION;
ALTER TABLE "reference" ADD CONSTRAINT "FK_2f46c698fc4c19a8cc233c5f255" FOREIGN KEY ("profileId") REFERENCES "profile"("id") ON DELETE CASCADE ON UPDATE NO ACTION;
ALTER TABLE "tagset" ADD CONSTRAINT "FK_eb59b98ee6ef26c993d0d75c83c" FOREIGN KEY ("authorizationId") REFERENCES "authorization_policy"("id") ON DELETE SET NULL ON UPDATE NO ACTION;
ALTER TABLE "tagset" ADD CONSTRAINT "FK_81fc213b2d9ad0cddeab1a9ce64" FOREIGN KEY ("profileId") REFERENCES "profile"("id") ON DELETE CASCADE ON UPDATE NO ACTION;
ALTER TABLE "visual" ADD CONSTRAINT "FK_4fbd109f9bb84f58b7a3c60649c" FOREIGN KEY ("authorizationId") REFERENCES "authorization_policy"("id") ON DELETE SET NULL ON UPDATE NO ACTION;
ALTER TABLE "visual" ADD CONSTRAINT "FK_1104f3ef8497ca40d99b9f46b87" FOREIGN KEY ("profileId") REFERENCES "profile"("id") ON DELETE CASCADE ON UPDATE NO ACTION;
ALTER TABLE "agent" ADD CONSTRAINT "FK_8ed9d1af584fa62f1ad3405b33b" FOREIGN KEY ("authorizationId") REFERENCES "authorization_policy"("id") ON DELETE SET NULL ON UPDATE NO ACTION;
ALTER TABLE "credential" ADD CONSTRAINT "FK_dbe0929355f82e5995f0b7fd5e2" FOREIGN KEY ("agentId") REFERENCES "agent"("id") ON DELETE CASCADE ON UPDATE NO ACTION;
ALTER TABLE "license" ADD CONSTRAINT "FK_bfd01743815f0dd68ac1c5c45c0" FOREIGN KEY ("authorizationId") REFERENCES "authorization_policy"("id") ON DELETE SET NULL ON UPDATE NO ACTION;
ALTER TABLE "license_entitlement" ADD CONSTRAINT "FK_badab780c9f3e196d98ab324686" FOREIGN KEY ("licenseId") REFERENCES "license"("id") ON DELETE CASCADE ON UPDATE NO ACTION;
ALTER TABLE "account" ADD CONSTRAINT "FK_91a165c1091a6959cc19d522399" FOREIGN KEY ("authorizationId") REFERENCES "authorization_policy"("id") ON DELETE SET NULL ON UPDATE NO ACTION;
ALTER TABLE "account" ADD CONSTRAINT "FK_833582df0c439ab8c9adc5240d1" FOREIGN KEY ("agentId") REFERENCES "agent"("id") ON DELETE SET NULL ON UPDATE NO ACTION;
ALTER TABLE "account" ADD CONSTRAINT "FK_8339e62882f239dc00ff5866f8c" FOREIGN KEY ("licenseId") REFERENCES "license"("id") ON DELETE SET NULL ON UPDATE NO ACTION;
ALTER TABLE "user" ADD CONSTRAINT "FK_09f909622aa177a097256b7cc22" FOREIGN KEY ("authorizationId") REFERENCES "authorization_policy"("id") ON DELETE SET NULL ON UPDATE NO ACTION;
ALTER TABLE "user" ADD CONSTRAINT "FK_9466682df91534dd95e4dbaa616" FOREIGN KEY ("profileId") REFERENCES "profile"("id") ON DELETE SET NULL ON UPDATE NO ACTION;
ALTER TABLE "user" ADD CONSTRAINT "FK_b61c694cacfab25533bd23d9add" FOREIGN KEY ("agentId") REFERENCES "agent"("id") ON DELETE SET NULL ON UPDATE NO ACTION;
ALTER TABLE "role_set" ADD CONSTRAINT "FK_b038f74c8d4eadb839e78b99ce5" FOREIGN KEY ("authorizationId") REFERENCES "authorization_policy"("id") ON DELETE SET NULL ON UPDATE NO ACTION;
ALTER TABLE "role_set" ADD CONSTRAINT "FK_c25bfb0c837427dd54e250b240e" FOREIGN KEY ("licenseId") REFERENCES "license"("id") ON DELETE SET NULL ON UPDATE NO ACTION;
ALTER TABLE "role_set" ADD CONSTRAINT "FK_86acc254af20d20c9d87c3503d5" FOREIGN KEY ("parentRoleSetId") REFERENCES "role_set"("id") ON DELETE CASCADE ON UPDATE NO ACTION;
ALTER TABLE "organization" ADD CONSTRAINT "FK_e0e150e4f11d906b931b46a2d89" FOREIGN KEY ("authorizationId") REFERENCES "authorization_policy"("id") ON DELETE SET NULL ON UPDATE NO ACTION;
ALTER TABLE "organization" ADD CONSTRAINT "FK_d2cb77c14644156ec8e865608e0" FOREIGN KEY ("profileId") REFERENCES "profile"("id") ON DELETE SET NULL ON UPDATE NO ACTION;
ALTER TABLE "organization" ADD CONSTRAINT "FK_7f1bec8979b57ed7ebd392a2ca9" FOREIGN KEY ("agentId") REFERENCES "agent"("id") ON DELETE SET NULL ON UPDATE NO ACTION;
ALTER TABLE "organization" ADD CONSTRAINT "FK_857684833bbd26eff72f97bcfdb" FOREIGN KEY ("roleSetId") REFERENCES "role_set"("id") ON DELETE SET NULL ON UPDATE NO ACTION;
ALTER TABLE "callouts_set" ADD CONSTRAINT "FK_8f3fd7a83451183166aac4ad02f" FOREIGN KEY ("authorizationId") REFERENCES "authorization_policy"("id") ON DELETE SET NULL ON UPDATE NO ACTION;
ALTER TABLE "collaboration" ADD CONSTRAINT "FK_262ecf3f5d70b82a48336184251" FOREIGN KEY ("authorizationId") REFERENCES "authorization_policy"("id") ON DELETE SET NULL ON UPDATE NO ACTION;
ALTER TABLE "collaboration" ADD CONSTRAINT "FK_9e1ebbc0972fa354d33b67a1a02" FOREIGN KEY ("calloutsSetId") REFERENCES "callouts_set"("id") ON DELETE SET NULL ON UPDATE NO ACTION;
ALTER TABLE "collaboration" ADD CONSTRAINT "FK_aa5815c9577533141cbc4aebe9f" FOREIGN KEY ("licenseId") REFERENCES "license"("id") ON DELETE SET NULL ON UPDATE NO ACTION;
ALTER TABLE "space" ADD CONSTRAINT "FK_8d03fd2c8e8411ec9192c79cd99" FOREIGN KEY ("authorizationId") REFERENCES "authorization_policy"("id") ON DELETE SET NULL ON UPDATE NO ACTION;
ALTER TABLE "space" ADD CONSTRAINT "FK_b4250035291aac1329d59224a96" FOREIGN KEY ("profileId") REFERENCES "profile"("id") ON DELETE SET NULL ON UPDATE NO ACTION;
ALTER TABLE "space" ADD CONSTRAINT "FK_9c664d684f987a735678b0ba825" FOREIGN KEY ("agentId") REFERENCES "agent"("id") ON DELETE SET NULL ON UPDATE NO ACTION;
ALTER TABLE "space" ADD CONSTRAINT "FK_ea06eb8894469a0f262d929bf06" FOREIGN KEY ("collaborationId") REFERENCES "collaboration"("id") ON DELETE SET NULL ON UPDATE NO ACTION;
ALTER TABLE "space" ADD CONSTRAINT "FK_73960ab73b44c4f2a22a91cddac" FOREIGN KEY ("roleSetId") REFERENCES "role_set"("id") ON DELETE SET NULL ON UPDATE NO ACTION;
ALTER TABLE "space" ADD CONSTRAINT "FK_3ef80ef55ba1a1d45e625ea8389" FOREIGN KEY ("licenseId") REFERENCES "license"("id") ON DELETE SET NULL ON UPDATE NO ACTION;
ALTER TABLE "space" ADD CONSTRAINT "FK_ef1ff4ac7f613cc0677e2295b30" FOREIGN KEY ("parentSpaceId") REFERENCES "space"("id") ON DELETE CASCADE ON UPDATE NO ACTION;
ALTER TABLE "space" ADD CONSTRAINT "FK_6bdeffaf6ea6159b4672a2aed70" FOREIGN KEY ("accountId") REFERENCES "account"("id") ON DELETE SET NULL ON UPDATE NO ACTION;
ALTER TABLE "whiteboard" ADD CONSTRAINT "FK_d3b86160bb7d704212382b0ca44" FOREIGN KEY ("authorizationId") REFERENCES "authorization_policy"("id") ON DELETE SET NULL ON UPDATE NO ACTION;
ALTER TABLE "whiteboard" ADD CONSTRAINT "FK_3f9e9e2798d2a4d84b16ee8477c" FOREIGN KEY ("profileId") REFERENCES "profile"("id") ON DELETE SET NULL ON UPDATE NO ACTION;
ALTER TABLE "memo" ADD CONSTRAINT "FK_c3a02e516496db62a676a0bfb74" FOREIGN KEY ("authorizationId") REFERENCES "authorization_policy"("id") ON DELETE SET NULL ON UPDATE NO ACTION;
ALTER TABLE "memo" ADD CONSTRAINT "FK_3eae185405c8e3a7d1828cf8639" FOREIGN KEY ("profileId") REFERENCES "profile"("id") ON DELETE SET NULL ON UPDATE NO ACTION;
ALTER TABLE "callout_framing" ADD CONSTRAINT "FK_c9d7c2c4eb8a1d012ddc6605da9" FOREIGN KEY ("authorizationId") REFERENCES "authorization_policy"("id") ON DELETE SET NULL ON UPDATE NO ACTION;
ALTER TABLE "callout_framing" ADD CONSTRAINT "FK_f53e2d266432e58e538a366705d" FOREIGN KEY ("profileId") REFERENCES "profile"("id") ON DELETE SET NULL ON UPDATE NO ACTION;
ALTER TABLE "callout_framing" ADD CONSTRAINT "FK_8bc0e1f40be5816d3a593cbf7fa" FOREIGN KEY ("whiteboardId") REFERENCES "whiteboard"("id") ON DELETE SET NULL ON UPDATE NO ACTION;
ALTER TABLE "callout_framing" ADD CONSTRAINT "FK_7c71c36a3eba63b8b52b30eb25d" FOREIGN KEY ("memoId") REFERENCES "memo"("id") ON DELETE SET NULL ON UPDATE NO ACTION;
ALTER TABLE "room" ADD CONSTRAINT "FK_d1d94dd8e0c417b4188a05ccbca" FOREIGN KEY ("authorizationId") REFERENCES "authorization_policy"("id") ON DELETE SET NULL ON UPDATE NO ACTION;
ALTER TABLE "callout" ADD CONSTRAINT "FK_6289dee12effb51320051c6f1fc" FOREIGN KEY ("authorizationId") REFERENCES "authorization_policy"("id") ON DELETE SET NULL ON UPDATE NO ACTION;
ALTER TABLE "callout" ADD CONSTRAINT "FK_cf776244b01436d8ca5cc762848" FOREIGN KEY ("framingId") REFERENCES "callout_framing"("id") ON DELETE CASCADE ON UPDATE NO ACTION;
ALTER TABLE "callout" ADD CONSTRAINT "FK_36b0da55acff774d0845aeb55f2" FOREIGN KEY ("contributionDefaultsId") REFERENCES "callout_contribution_defaults"("id") ON DELETE CASCADE ON UPDATE NO ACTION;
ALTER TABLE "callout" ADD CONSTRAINT "FK_62ed316cda7b75735b20307b47e" FOREIGN KEY ("commentsId") REFERENCES "room"("id") ON DELETE CASCADE ON UPDATE NO ACTION;
ALTER TABLE "callout" ADD CONSTRAINT "FK_08d3fa19eb35058446dafa99192" FOREIGN KEY ("calloutsSetId") REFERENCES "callouts_set"("id") ON DELETE CASCADE ON UPDATE NO ACTION;
ALTER TABLE "vc_interaction" ADD CONSTRAINT "FK_d6f78c95ff41cdd30e505a4ebbb" FOREIGN KEY ("roomId") REFERENCES "room"("id") ON DELETE CASCADE ON UPDATE NO ACTION;

-- The target's own migration history (TypeORM fills it when it creates this schema).
INSERT INTO "migrations_typeorm" ("timestamp", "name") VALUES (1740000000000, 'PostgresBaseline1740000000000');
