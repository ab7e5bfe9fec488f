-- Alkemio server (TypeORM) schema subset, MySQL/MariaDB flavour, as the TypeORM MySQL
-- migrations create it. Generated for the converge_assets demo; statements end with ';'
-- at the end of a line. Foreign keys are added after all tables, as TypeORM does.

CREATE TABLE `authorization_policy` (
  `id` char(36) NOT NULL,
  `createdDate` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  `updatedDate` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
  `version` int NOT NULL,
  `credentialRules` json NOT NULL,
  `privilegeRules` json NOT NULL,
  `type` varchar(128) NOT NULL,
  `parentAuthorizationPolicyId` char(36) NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE `location` (
  `id` char(36) NOT NULL,
  `createdDate` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  `updatedDate` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
  `version` int NOT NULL,
  `city` varchar(255) NULL,
  `country` varchar(255) NULL,
  `addressLine1` varchar(512) NULL,
  `addressLine2` varchar(512) NULL,
  `stateOrProvince` varchar(255) NULL,
  `postalCode` varchar(128) NULL,
  `geoLocation` json NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE `profile` (
  `id` char(36) NOT NULL,
  `createdDate` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  `updatedDate` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
  `version` int NOT NULL,
  `displayName` text NOT NULL,
  `tagline` text NULL,
  `description` text NULL,
  `type` enum('space','challenge','opportunity','organization','user','user-group','callout-framing','whiteboard','memo','post','discussion','innovation-flow','template','calendar-event','innovation-hub','knowledge-base','virtual-contributor') NOT NULL,
  `authorizationId` char(36) NULL,
  `locationId` char(36) NULL,
  UNIQUE INDEX `REL_a96475631aba7dce41db03cc8b` (`authorizationId`),
  UNIQUE INDEX `REL_432056041df0e4337b17ff7b09` (`locationId`),
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE `reference` (
  `id` char(36) NOT NULL,
  `createdDate` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  `updatedDate` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
  `version` int NOT NULL,
  `name` varchar(255) NOT NULL,
  `uri` text NOT NULL,
  `description` text NULL,
  `authorizationId` char(36) NULL,
  `profileId` char(36) NULL,
  UNIQUE INDEX `REL_73e8ae665a49366ca7e2866a45` (`authorizationId`),
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE `tagset` (
  `id` char(36) NOT NULL,
  `createdDate` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  `updatedDate` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
  `version` int NOT NULL,
  `name` varchar(255) NOT NULL DEFAULT 'default',
  `type` varchar(128) NOT NULL,
  `tags` text NOT NULL,
  `authorizationId` char(36) NULL,
  `profileId` char(36) NULL,
  UNIQUE INDEX `REL_eb59b98ee6ef26c993d0d75c83` (`authorizationId`),
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE `visual` (
  `id` char(36) NOT NULL,
  `createdDate` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  `updatedDate` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
  `version` int NOT NULL,
  `name` varchar(255) NOT NULL,
  `uri` varchar(2048) NOT NULL,
  `minWidth` int NOT NULL,
  `maxWidth` int NOT NULL,
  `minHeight` int NOT NULL,
  `maxHeight` int NOT NULL,
  `aspectRatio` decimal(3,1) NOT NULL,
  `allowedTypes` text NOT NULL,
  `alternativeText` varchar(120) NULL,
  `authorizationId` char(36) NULL,
  `profileId` char(36) NULL,
  UNIQUE INDEX `REL_4fbd109f9bb84f58b7a3c60649` (`authorizationId`),
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE `agent` (
  `id` char(36) NOT NULL,
  `createdDate` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  `updatedDate` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
  `version` int NOT NULL,
  `did` varchar(255) NULL,
  `password` varchar(255) NULL,
  `type` varchar(128) NULL,
  `authorizationId` char(36) NULL,
  UNIQUE INDEX `REL_8ed9d1af584fa62f1ad3405b33` (`authorizationId`),
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE `credential` (
  `id` char(36) NOT NULL,
  `createdDate` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  `updatedDate` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
  `version` int NOT NULL,
  `resourceID` varchar(36) NOT NULL,
  `type` varchar(128) NOT NULL,
  `issuer` char(36) NULL,
  `expires` datetime NULL,
  `agentId` char(36) NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE `license` (
  `id` char(36) NOT NULL,
  `createdDate` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  `updatedDate` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
  `version` int NOT NULL,
  `type` varchar(128) NOT NULL,
  `authorizationId` char(36) NULL,
  UNIQUE INDEX `REL_bfd01743815f0dd68ac1c5c45c` (`authorizationId`),
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE `license_entitlement` (
  `id` char(36) NOT NULL,
  `createdDate` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  `updatedDate` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
  `version` int NOT NULL,
  `type` varchar(128) NOT NULL,
  `dataType` varchar(128) NOT NULL,
  `limit` int NOT NULL,
  `enabled` tinyint NOT NULL,
  `licenseId` char(36) NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE `account` (
  `id` char(36) NOT NULL,
  `createdDate` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  `updatedDate` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
  `version` int NOT NULL,
  `type` varchar(128) NULL,
  `externalSubscriptionID` varchar(128) NULL,
  `baselineLicensePlan` json NOT NULL,
  `authorizationId` char(36) NULL,
  `agentId` char(36) NULL,
  `licenseId` char(36) NULL,
  UNIQUE INDEX `REL_91a165c1091a6959cc19d52239` (`authorizationId`),
  UNIQUE INDEX `REL_833582df0c439ab8c9adc5240d` (`agentId`),
  UNIQUE INDEX `REL_8339e62882f239dc00ff5866f8` (`licenseId`),
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE `user` (
  `id` char(36) NOT NULL,
  `rowId` int NOT NULL AUTO_INCREMENT,
  `createdDate` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  `updatedDate` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
  `version` int NOT NULL,
  `nameID` varchar(36) NOT NULL,
  `accountUpn` varchar(128) NOT NULL,
  `firstName` varchar(128) NOT NULL,
  `lastName` varchar(128) NOT NULL,
  `email` varchar(512) NOT NULL,
  `phone` varchar(128) NULL,
  `serviceProfile` tinyint NOT NULL,
  `authenticationID` char(36) NULL,
  `settings` json NOT NULL,
  `accountID` char(36) NOT NULL,
  `authorizationId` char(36) NULL,
  `profileId` char(36) NULL,
  `agentId` char(36) NULL,
  UNIQUE INDEX `IDX_266bc44a18601f893566962df6` (`rowId`),
  UNIQUE INDEX `IDX_ad8730bcd46ca67fb2d1edd756` (`nameID`),
  UNIQUE INDEX `IDX_e12875dfb3b1d92d7d7c5377e2` (`email`),
  UNIQUE INDEX `REL_09f909622aa177a097256b7cc2` (`authorizationId`),
  UNIQUE INDEX `REL_9466682df91534dd95e4dbaa61` (`profileId`),
  UNIQUE INDEX `REL_b61c694cacfab25533bd23d9ad` (`agentId`),
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE `role_set` (
  `id` char(36) NOT NULL,
  `createdDate` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  `updatedDate` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
  `version` int NOT NULL,
  `entryRoleName` varchar(128) NOT NULL,
  `type` varchar(128) NOT NULL,
  `authorizationId` char(36) NULL,
  `licenseId` char(36) NULL,
  `parentRoleSetId` char(36) NULL,
  UNIQUE INDEX `REL_b038f74c8d4eadb839e78b99ce` (`authorizationId`),
  UNIQUE INDEX `REL_c25bfb0c837427dd54e250b240` (`licenseId`),
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE `organization` (
  `id` char(36) NOT NULL,
  `rowId` int NOT NULL AUTO_INCREMENT,
  `createdDate` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  `updatedDate` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
  `version` int NOT NULL,
  `nameID` varchar(36) NOT NULL,
  `accountID` char(36) NOT NULL,
  `legalEntityName` varchar(255) NULL,
  `domain` varchar(255) NULL,
  `website` varchar(255) NULL,
  `contactEmail` varchar(255) NULL,
  `settings` json NOT NULL,
  `authorizationId` char(36) NULL,
  `profileId` char(36) NULL,
  `agentId` char(36) NULL,
  `roleSetId` char(36) NULL,
  UNIQUE INDEX `IDX_9fdd8f0bfe04a676822c7265e1` (`rowId`),
  UNIQUE INDEX `IDX_d11fdb37a7b736d053b762b27c` (`nameID`),
  UNIQUE INDEX `REL_e0e150e4f11d906b931b46a2d8` (`authorizationId`),
  UNIQUE INDEX `REL_d2cb77c14644156ec8e865608e` (`profileId`),
  UNIQUE INDEX `REL_7f1bec8979b57ed7ebd392a2ca` (`agentId`),
  UNIQUE INDEX `REL_857684833bbd26eff72f97bcfd` (`roleSetId`),
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE `callouts_set` (
  `id` char(36) NOT NULL,
  `createdDate` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  `updatedDate` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
  `version` int NOT NULL,
  `type` varchar(128) NOT NULL,
  `authorizationId` char(36) NULL,
  UNIQUE INDEX `REL_8f3fd7a83451183166aac4ad02` (`authorizationId`),
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE `collaboration` (
  `id` char(36) NOT NULL,
  `createdDate` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  `updatedDate` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
  `version` int NOT NULL,
  `isTemplate` tinyint NOT NULL DEFAULT 0,
  `authorizationId` char(36) NULL,
  `calloutsSetId` char(36) NULL,
  `licenseId` char(36) NULL,
  UNIQUE INDEX `REL_262ecf3f5d70b82a4833618425` (`authorizationId`),
  UNIQUE INDEX `REL_9e1ebbc0972fa354d33b67a1a0` (`calloutsSetId`),
  UNIQUE INDEX `REL_aa5815c9577533141cbc4aebe9` (`licenseId`),
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE `space` (
  `id` char(36) NOT NULL,
  `rowId` int NOT NULL AUTO_INCREMENT,
  `createdDate` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  `updatedDate` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
  `version` int NOT NULL,
  `nameID` varchar(36) NOT NULL,
  `level` int NOT NULL,
  `levelZeroSpaceID` char(36) NULL,
  `visibility` varchar(128) NOT NULL,
  `settings` json NOT NULL,
  `platformRolesAccess` json NOT NULL,
  `authorizationId` char(36) NULL,
  `profileId` char(36) NULL,
  `agentId` char(36) NULL,
  `collaborationId` char(36) NULL,
  `roleSetId` char(36) NULL,
  `licenseId` char(36) NULL,
  `parentSpaceId` char(36) NULL,
  `accountId` char(36) NULL,
  UNIQUE INDEX `IDX_0f03c61020ea0dfa0198c60304` (`rowId`),
  UNIQUE INDEX `REL_8d03fd2c8e8411ec9192c79cd9` (`authorizationId`),
  UNIQUE INDEX `REL_b4250035291aac1329d59224a9` (`profileId`),
  UNIQUE INDEX `REL_9c664d684f987a735678b0ba82` (`agentId`),
  UNIQUE INDEX `REL_ea06eb8894469a0f262d929bf0` (`collaborationId`),
  UNIQUE INDEX `REL_73960ab73b44c4f2a22a91cdda` (`roleSetId`),
  UNIQUE INDEX `REL_3ef80ef55ba1a1d45e625ea838` (`licenseId`),
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE `callout_contribution_defaults` (
  `id` char(36) NOT NULL,
  `createdDate` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  `updatedDate` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
  `version` int NOT NULL,
  `defaultDisplayName` varchar(255) NULL,
  `postDescription` text NULL,
  `whiteboardContent` longtext NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE `whiteboard` (
  `id` char(36) NOT NULL,
  `createdDate` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  `updatedDate` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
  `version` int NOT NULL,
  `nameID` varchar(36) NOT NULL,
  `content` longtext NOT NULL,
  `createdBy` char(36) NULL,
  `contentUpdatePolicy` varchar(128) NOT NULL,
  `previewSettings` json NOT NULL,
  `authorizationId` char(36) NULL,
  `profileId` char(36) NULL,
  UNIQUE INDEX `REL_d3b86160bb7d704212382b0ca4` (`authorizationId`),
  UNIQUE INDEX `REL_3f9e9e2798d2a4d84b16ee8477` (`profileId`),
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE `memo` (
  `id` char(36) NOT NULL,
  `createdDate` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  `updatedDate` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
  `version` int NOT NULL,
  `nameID` varchar(36) NOT NULL,
  `content` mediumblob NULL,
  `createdBy` char(36) NULL,
  `contentUpdatePolicy` varchar(128) NOT NULL,
  `authorizationId` char(36) NULL,
  `profileId` char(36) NULL,
  UNIQUE INDEX `REL_c3a02e516496db62a676a0bfb7` (`authorizationId`),
  UNIQUE INDEX `REL_3eae185405c8e3a7d1828cf863` (`profileId`),
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE `callout_framing` (
  `id` char(36) NOT NULL,
  `createdDate` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  `updatedDate` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
  `version` int NOT NULL,
  `type` varchar(128) NOT NULL,
  `authorizationId` char(36) NULL,
  `profileId` char(36) NULL,
  `whiteboardId` char(36) NULL,
  `memoId` char(36) NULL,
  UNIQUE INDEX `REL_c9d7c2c4eb8a1d012ddc6605da` (`authorizationId`),
  UNIQUE INDEX `REL_f53e2d266432e58e538a366705` (`profileId`),
  UNIQUE INDEX `REL_8bc0e1f40be5816d3a593cbf7f` (`whiteboardId`),
  UNIQUE INDEX `REL_7c71c36a3eba63b8b52b30eb25` (`memoId`),
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE `room` (
  `id` char(36) NOT NULL,
  `createdDate` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  `updatedDate` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
  `version` int NOT NULL,
  `messagesCount` int NOT NULL,
  `type` varchar(128) NOT NULL,
  `displayName` varchar(255) NOT NULL,
  `authorizationId` char(36) NULL,
  UNIQUE INDEX `REL_d1d94dd8e0c417b4188a05ccbc` (`authorizationId`),
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE `callout` (
  `id` char(36) NOT NULL,
  `createdDate` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  `updatedDate` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
  `version` int NOT NULL,
  `nameID` varchar(36) NOT NULL,
  `sortOrder` int NOT NULL,
  `isTemplate` tinyint NOT NULL DEFAULT 0,
  `createdBy` char(36) NULL,
  `publishedBy` char(36) NULL,
  `publishedDate` datetime(6) NULL,
  `settings` json NOT NULL,
  `authorizationId` char(36) NULL,
  `framingId` char(36) NULL,
  `contributionDefaultsId` char(36) NULL,
  `commentsId` char(36) NULL,
  `calloutsSetId` char(36) NULL,
  UNIQUE INDEX `REL_6289dee12effb51320051c6f1f` (`authorizationId`),
  UNIQUE INDEX `REL_cf776244b01436d8ca5cc76284` (`framingId`),
  UNIQUE INDEX `REL_36b0da55acff774d0845aeb55f` (`contributionDefaultsId`),
  UNIQUE INDEX `REL_62ed316cda7b75735b20307b47` (`commentsId`),
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE `activity` (
  `id` char(36) NOT NULL,
  `rowId` int NOT NULL AUTO_INCREMENT,
  `createdDate` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  `updatedDate` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
  `version` int NOT NULL,
  `triggeredBy` char(36) NOT NULL,
  `resourceID` char(36) NOT NULL,
  `parentID` char(36) NULL,
  `collaborationID` char(36) NOT NULL,
  `messageID` char(44) NULL,
  `visibility` tinyint NOT NULL,
  `description` varchar(512) NULL,
  `type` varchar(128) NOT NULL,
  UNIQUE INDEX `IDX_07a39cea9426b689be25fd61de` (`rowId`),
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE `vc_interaction` (
  `id` char(36) NOT NULL,
  `createdDate` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  `updatedDate` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
  `version` int NOT NULL,
  `threadID` varchar(44) NOT NULL,
  `virtualContributorID` char(36) NOT NULL,
  `externalMetadata` json NOT NULL,
  `roomId` char(36) NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE `migrations_typeorm` (
  `id` int NOT NULL AUTO_INCREMENT,
  `timestamp` bigint NOT NULL,
  `name` varchar(255) NOT NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE `query-result-cache` (
  `id` int NOT NULL AUTO_INCREMENT,
  `identifier` varchar(255) NULL,
  `time` bigint NOT NULL,
  `duration` int NOT NULL,
  `query` text NOT NULL,
  `result` text NOT NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

ALTER TABLE `authorization_policy` ADD CONSTRAINT `FK_24b8950effd9ba78caa48ba76df` FOREIGN KEY (`parentAuthorizationPolicyId`) REFERENCES `authorization_policy`(`id`) ON DELETE SET NULL ON UPDATE NO ACTION;
ALTER TABLE `profile` ADD CONSTRAINT `FK_a96475631aba7dce41db03cc8b2` FOREIGN KEY (`authorizationId`) REFERENCES `authorization_policy`(`id`) ON DELETE SET NULL ON UPDATE NO ACTION;
ALTER TABLE `profile` ADD CONSTRAINT `FK_432056041df0e4337b17ff7b09d` FOREIGN KEY (`locationId`) REFERENCES `location`(`id`) ON DELETE SET NULL ON UPDATE NO ACTION;
ALTER TABLE `reference` ADD CONSTRAINT `FK_73e8ae665a49366ca7e2866a45d` FOREIGN KEY (`authorizationId`) REFERENCES `authorization_policy`(`id`) ON DELETE SET NULL ON UPDATE NO ACTION;
ALTER TABLE `reference` ADD CONSTRAINT `FK_2f46c698fc4c19a8cc233c5f255` FOREIGN KEY (`profileId`) REFERENCES `profile`(`id`) ON DELETE CASCADE ON UPDATE NO ACTION;
ALTER TABLE `tagset` ADD CONSTRAINT `FK_eb59b98ee6ef26c993d0d75c83c` FOREIGN KEY (`authorizationId`) REFERENCES `authorization_policy`(`id`) ON DELETE SET NULL ON UPDATE NO ACTION;
ALTER TABLE `tagset` ADD CONSTRAINT `FK_81fc213b2d9ad0cddeab1a9ce64` FOREIGN KEY (`profileId`) REFERENCES `profile`(`id`) ON DELETE CASCADE ON UPDATE NO ACTION;
ALTER TABLE `visual` ADD CONSTRAINT `FK_4fbd109f9bb84f58b7a3c60649c` FOREIGN KEY (`authorizationId`) REFERENCES `authorization_policy`(`id`) ON DELETE SET NULL ON UPDATE NO ACTION;
ALTER TABLE `visual` ADD CONSTRAINT `FK_1104f3ef8497ca40d99b9f46b87` FOREIGN KEY (`profileId`) REFERENCES `profile`(`id`) ON DELETE CASCADE ON UPDATE NO ACTION;
ALTER TABLE `agent` ADD CONSTRAINT `FK_8ed9d1af584fa62f1ad3405b33b` FOREIGN KEY (`authorizationId`) REFERENCES `authorization_policy`(`id`) ON DELETE SET NULL ON UPDATE NO ACTION;
ALTER TABLE `credential` ADD CONSTRAINT `FK_dbe0929355f82e5995f0b7fd5e2` FOREIGN KEY (`agentId`) REFERENCES `agent`(`id`) ON DELETE CASCADE ON UPDATE NO ACTION;
ALTER TABLE `license` ADD CONSTRAINT `FK_bfd01743815f0dd68ac1c5c45c0` FOREIGN KEY (`authorizationId`) REFERENCES `authorization_policy`(`id`) ON DELETE SET NULL ON UPDATE NO ACTION;
ALTER TABLE `license_entitlement` ADD CONSTRAINT `FK_badab780c9f3e196d98ab324686` FOREIGN KEY (`licenseId`) REFERENCES `license`(`id`) ON DELETE CASCADE ON UPDATE NO ACTION;
ALTER TABLE `account` ADD CONSTRAINT `FK_91a165c1091a6959cc19d522399` FOREIGN KEY (`authorizationId`) REFERENCES `authorization_policy`(`id`) ON DELETE SET NULL ON UPDATE NO ACTION;
ALTER TABLE `account` ADD CONSTRAINT `FK_833582df0c439ab8c9adc5240d1` FOREIGN KEY (`agentId`) REFERENCES `agent`(`id`) ON DELETE SET NULL ON UPDATE NO ACTION;
ALTER TABLE `account` ADD CONSTRAINT `FK_8339e62882f239dc00ff5866f8c` FOREIGN KEY (`licenseId`) REFERENCES `license`(`id`) ON DELETE SET NULL ON UPDATE NO ACTION;
ALTER TABLE `user` ADD CONSTRAINT `FK_09f909622aa177a097256b7cc22` FOREIGN KEY (`authorizationId`) REFERENCES `authorization_policy`(`id`) ON DELETE SET NULL ON UPDATE NO ACTION;
ALTER TABLE `user` ADD CONSTRAINT `FK_9466682df91534dd95e4dbaa616` FOREIGN KEY (`profileId`) REFERENCES `profile`(`id`) ON DELETE SET NULL ON UPDATE NO ACTION;
ALTER TABLE `user` ADD CONSTRAINT `FK_b61c694cacfab25533bd23d9add` FOREIGN KEY (`agentId`) REFERENCES `agent`(`id`) ON DELETE SET NULL ON UPDATE NO ACTION;
ALTER TABLE `role_set` ADD CONSTRAINT `FK_b038f74c8d4eadb839e78b99ce5` FOREIGN KEY (`authorizationId`) REFERENCES `authorization_policy`(`id`) ON DELETE SET NULL ON UPDATE NO ACTION;
ALTER TABLE `role_set` ADD CONSTRAINT `FK_c25bfb0c837427dd54e250b240e` FOREIGN KEY (`licenseId`) REFERENCES `license`(`id`) ON DELETE SET NULL ON UPDATE NO ACTION;
ALTER TABLE `role_set` ADD CONSTRAINT `FK_86acc254af20d20c9d87c3503d5` FOREIGN KEY (`parentRoleSetId`) REFERENCES `role_set`(`id`) ON DELETE CASCADE ON UPDATE NO ACTION;
ALTER TABLE `organization` ADD CONSTRAINT `FK_e0e150e4f11d906b931b46a2d89` FOREIGN KEY (`authorizationId`) REFERENCES `authorization_policy`(`id`) ON DELETE SET NULL ON UPDATE NO ACTION;
ALTER TABLE `organization` ADD CONSTRAINT `FK_d2cb77c14644156ec8e865608e0` FOREIGN KEY (`profileId`) REFERENCES `profile`(`id`) ON DELETE SET NULL ON UPDATE NO ACTION;
ALTER TABLE `organization` ADD CONSTRAINT `FK_7f1bec8979b57ed7ebd392a2ca9` FOREIGN KEY (`agentId`) REFERENCES `agent`(`id`) ON DELETE SET NULL ON UPDATE NO ACTION;
ALTER TABLE `organization` ADD CONSTRAINT `FK_857684833bbd26eff72f97bcfdb` FOREIGN KEY (`roleSetId`) REFERENCES `role_set`(`id`) ON DELETE SET NULL ON UPDATE NO ACTION;
ALTER TABLE `callouts_set` ADD CONSTRAINT `FK_8f3fd7a83451183166aac4ad02f` FOREIGN KEY (`authorizationId`) REFERENCES `authorization_policy`(`id`) ON DELETE SET NULL ON UPDATE NO ACTION;
ALTER TABLE `collaboration` ADD CONSTRAINT `FK_262ecf3f5d70b82a48336184251` FOREIGN KEY (`authorizationId`) REFERENCES `authorization_policy`(`id`) ON DELETE SET NULL ON UPDATE NO ACTION;
ALTER TABLE `collaboration` ADD CONSTRAINT `FK_9e1ebbc0972fa354d33b67a1a02` FOREIGN KEY (`calloutsSetId`) REFERENCES `callouts_set`(`id`) ON DELETE SET NULL ON UPDATE NO ACTION;
ALTER TABLE `collaboration` ADD CONSTRAINT `FK_aa5815c9577533141cbc4aebe9f` FOREIGN KEY (`licenseId`) REFERENCES `license`(`id`) ON DELETE SET NULL ON UPDATE NO ACTION;
ALTER TABLE `space` ADD CONSTRAINT `FK_8d03fd2c8e8411ec9192c79cd99` FOREIGN KEY (`authorizationId`) REFERENCES `authorization_policy`(`id`) ON DELETE SET NULL ON UPDATE NO ACTION;
ALTER TABLE `space` ADD CONSTRAINT `FK_b4250035291aac1329d59224a96` FOREIGN KEY (`profileId`) REFERENCES `profile`(`id`) ON DELETE SET NULL ON UPDATE NO ACTION;
ALTER TABLE `space` ADD CONSTRAINT `FK_9c664d684f987a735678b0ba825` FOREIGN KEY (`agentId`) REFERENCES `agent`(`id`) ON DELETE SET NULL ON UPDATE NO ACTION;
ALTER TABLE `space` ADD CONSTRAINT `FK_ea06eb8894469a0f262d929bf06` FOREIGN KEY (`collaborationId`) REFERENCES `collaboration`(`id`) ON DELETE SET NULL ON UPDATE NO ACTION;
ALTER TABLE `space` ADD CONSTRAINT `FK_73960ab73b44c4f2a22a91cddac` FOREIGN KEY (`roleSetId`) REFERENCES `role_set`(`id`) ON DELETE SET NULL ON UPDATE NO ACTION;
ALTER TABLE `space` ADD CONSTRAINT `FK_3ef80ef55ba1a1d45e625ea8389` FOREIGN KEY (`licenseId`) REFERENCES `license`(`id`) ON DELETE SET NULL ON UPDATE NO ACTION;
ALTER TABLE `space` ADD CONSTRAINT `FK_ef1ff4ac7f613cc0677e2295b30` FOREIGN KEY (`parentSpaceId`) REFERENCES `space`(`id`) ON DELETE CASCADE ON UPDATE NO ACTION;
ALTER TABLE `space` ADD CONSTRAINT `FK_6bdeffaf6ea6159b4672a2aed70` FOREIGN KEY (`accountId`) REFERENCES `account`(`id`) ON DELETE SET NULL ON UPDATE NO ACTION;
ALTER TABLE `whiteboard` ADD CONSTRAINT `FK_d3b86160bb7d704212382b0ca44` FOREIGN KEY (`authorizationId`) REFERENCES `authorization_policy`(`id`) ON DELETE SET NULL ON UPDATE NO ACTION;
ALTER TABLE `whiteboard` ADD CONSTRAINT `FK_3f9e9e2798d2a4d84b16ee8477c` FOREIGN KEY (`profileId`) REFERENCES `profile`(`id`) ON DELETE SET NULL ON UPDATE NO ACTION;
ALTER TABLE `memo` ADD CONSTRAINT `FK_c3a02e516496db62a676a0bfb74` FOREIGN KEY (`authorizationId`) REFERENCES `authorization_policy`(`id`) ON DELETE SET NULL ON UPDATE NO ACTION;
ALTER TABLE `memo` ADD CONSTRAINT `FK_3eae185405c8e3a7d1828cf8639` FOREIGN KEY (`profileId`) REFERENCES `profile`(`id`) ON DELETE SET NULL ON UPDATE NO ACTION;
ALTER TABLE `callout_framing` ADD CONSTRAINT `FK_c9d7c2c4eb8a1d012ddc6605da9` FOREIGN KEY (`authorizationId`) REFERENCES `authorization_policy`(`id`) ON DELETE SET NULL ON UPDATE NO ACTION;
ALTER TABLE `callout_framing` ADD CONSTRAINT `FK_f53e2d266432e58e538a366705d` FOREIGN KEY (`profileId`) REFERENCES `profile`(`id`) ON DELETE SET NULL ON UPDATE NO ACTION;
ALTER TABLE `callout_framing` ADD CONSTRAINT `FK_8bc0e1f40be5816d3a593cbf7fa` FOREIGN KEY (`whiteboardId`) REFERENCES `whiteboard`(`id`) ON DELETE SET NULL ON UPDATE NO ACTION;
ALTER TABLE `callout_framing` ADD CONSTRAINT `FK_7c71c36a3eba63b8b52b30eb25d` FOREIGN KEY (`memoId`) REFERENCES `memo`(`id`) ON DELETE SET NULL ON UPDATE NO ACTION;
ALTER TABLE `room` ADD CONSTRAINT `FK_d1d94dd8e0c417b4188a05ccbca` FOREIGN KEY (`authorizationId`) REFERENCES `authorization_policy`(`id`) ON DELETE SET NULL ON UPDATE NO ACTION;
ALTER TABLE `callout` ADD CONSTRAINT `FK_6289dee12effb51320051c6f1fc` FOREIGN KEY (`authorizationId`) REFERENCES `authorization_policy`(`id`) ON DELETE SET NULL ON UPDATE NO ACTION;
ALTER TABLE `callout` ADD CONSTRAINT `FK_cf776244b01436d8ca5cc762848` FOREIGN KEY (`framingId`) REFERENCES `callout_framing`(`id`) ON DELETE CASCADE ON UPDATE NO ACTION;
ALTER TABLE `callout` ADD CONSTRAINT `FK_36b0da55acff774d0845aeb55f2` FOREIGN KEY (`contributionDefaultsId`) REFERENCES `callout_contribution_defaults`(`id`) ON DELETE CASCADE ON UPDATE NO ACTION;
ALTER TABLE `callout` ADD CONSTRAINT `FK_62ed316cda7b75735b20307b47e` FOREIGN KEY (`commentsId`) REFERENCES `room`(`id`) ON DELETE CASCADE ON UPDATE NO ACTION;
ALTER TABLE `callout` ADD CONSTRAINT `FK_08d3fa19eb35058446dafa99192` FOREIGN KEY (`calloutsSetId`) REFERENCES `callouts_set`(`id`) ON DELETE CASCADE ON UPDATE NO ACTION;
ALTER TABLE `vc_interaction` ADD CONSTRAINT `FK_d6f78c95ff41cdd30e505a4ebbb` FOREIGN KEY (`roomId`) REFERENCES `room`(`id`) ON DELETE CASCADE ON UPDATE NO ACTION;
