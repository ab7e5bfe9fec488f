-- Ory Kratos v1.3.1 schema, PostgreSQL flavour (what `kratos migrate sql` creates), with
-- the rows its migrations seed. Generated for the converge_assets demo.

CREATE TABLE networks (
  id uuid NOT NULL,
  created_at timestamp without time zone NOT NULL,
  updated_at timestamp without time zone NOT NULL
);

CREATE TABLE identity_credential_types (
  id uuid NOT NULL,
  name character varying(32) NOT NULL
);

CREATE TABLE identities (
  id uuid NOT NULL,
  schema_id character varying(2048) NOT NULL,
  traits jsonb NOT NULL,
  created_at timestamp without time zone NOT NULL,
  updated_at timestamp without time zone NOT NULL,
  nid uuid,
  state character varying(255) DEFAULT 'active'::character varying NOT NULL,
  state_changed_at timestamp without time zone,
  metadata_public jsonb,
  metadata_admin jsonb,
  available_aal character varying(4),
  organization_id uuid
);

CREATE TABLE identity_credentials (
  id uuid NOT NULL,
  config jsonb NOT NULL,
  identity_credential_type_id uuid NOT NULL,
  identity_id uuid NOT NULL,
  created_at timestamp without time zone NOT NULL,
  updated_at timestamp without time zone NOT NULL,
  nid uuid,
  version integer DEFAULT 0 NOT NULL
);

CREATE TABLE identity_credential_identifiers (
  id uuid NOT NULL,
  identifier character varying(255) NOT NULL,
  identity_credential_id uuid NOT NULL,
  created_at timestamp without time zone NOT NULL,
  updated_at timestamp without time zone NOT NULL,
  nid uuid,
  identity_credential_type_id uuid NOT NULL
);

CREATE TABLE identity_verifiable_addresses (
  id uuid NOT NULL,
  status character varying(16) NOT NULL,
  via character varying(16) NOT NULL,
  verified boolean NOT NULL,
  value character varying(400) NOT NULL,
  verified_at timestamp without time zone,
  identity_id uuid NOT NULL,
  created_at timestamp without time zone NOT NULL,
  updated_at timestamp without time zone NOT NULL,
  nid uuid
);

CREATE TABLE identity_recovery_addresses (
  id uuid NOT NULL,
  via character varying(16) NOT NULL,
  value character varying(400) NOT NULL,
  identity_id uuid NOT NULL,
  created_at timestamp without time zone NOT NULL,
  updated_at timestamp without time zone NOT NULL,
  nid uuid
);

CREATE TABLE selfservice_login_flows (
  id uuid NOT NULL,
  request_url text NOT NULL,
  issued_at timestamp without time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
  expires_at timestamp without time zone NOT NULL,
  active_method character varying(32) NOT NULL,
  csrf_token character varying(255) NOT NULL,
  created_at timestamp without time zone NOT NULL,
  updated_at timestamp without time zone NOT NULL,
  forced boolean DEFAULT false NOT NULL,
  type character varying(16) DEFAULT 'browser'::character varying NOT NULL,
  ui jsonb,
  nid uuid,
  requested_aal character varying(4) DEFAULT 'aal1'::character varying NOT NULL,
  internal_context jsonb NOT NULL,
  oauth2_login_challenge uuid,
  oauth2_login_challenge_data text,
  state character varying(255),
  submit_count integer DEFAULT 0 NOT NULL,
  organization_id uuid
);

CREATE TABLE selfservice_registration_flows (
  id uuid NOT NULL,
  request_url text NOT NULL,
  issued_at timestamp without time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
  expires_at timestamp without time zone NOT NULL,
  active_method character varying(32) NOT NULL,
  csrf_token character varying(255) NOT NULL,
  created_at timestamp without time zone NOT NULL,
  updated_at timestamp without time zone NOT NULL,
  type character varying(16) DEFAULT 'browser'::character varying NOT NULL,
  ui jsonb,
  nid uuid,
  internal_context jsonb NOT NULL,
  oauth2_login_challenge uuid,
  oauth2_login_challenge_data text,
  state character varying(255),
  submit_count integer DEFAULT 0 NOT NULL,
  organization_id uuid
);

CREATE TABLE selfservice_settings_flows (
  id uuid NOT NULL,
  request_url text NOT NULL,
  issued_at timestamp without time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
  expires_at timestamp without time zone NOT NULL,
  identity_id uuid NOT NULL,
  created_at timestamp without time zone NOT NULL,
  updated_at timestamp without time zone NOT NULL,
  active_method character varying(32),
  state character varying(255) DEFAULT 'show_form'::character varying NOT NULL,
  type character varying(16) DEFAULT 'browser'::character varying NOT NULL,
  ui jsonb,
  nid uuid,
  internal_context jsonb NOT NULL
);

CREATE TABLE selfservice_recovery_flows (
  id uuid NOT NULL,
  request_url text NOT NULL,
  issued_at timestamp without time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
  expires_at timestamp without time zone NOT NULL,
  active_method character varying(32),
  csrf_token character varying(255) NOT NULL,
  state character varying(32) NOT NULL,
  recovered_identity_id uuid,
  created_at timestamp without time zone NOT NULL,
  updated_at timestamp without time zone NOT NULL,
  type character varying(16) DEFAULT 'browser'::character varying NOT NULL,
  ui jsonb,
  nid uuid,
  submit_count integer DEFAULT 0 NOT NULL,
  skip_csrf_check boolean DEFAULT false NOT NULL
);

CREATE TABLE selfservice_verification_flows (
  id uuid NOT NULL,
  request_url text NOT NULL,
  issued_at timestamp without time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
  expires_at timestamp without time zone NOT NULL,
  csrf_token character varying(255) NOT NULL,
  created_at timestamp without time zone NOT NULL,
  updated_at timestamp without time zone NOT NULL,
  type character varying(16) DEFAULT 'browser'::character varying NOT NULL,
  state character varying(255) DEFAULT 'show_form'::character varying NOT NULL,
  active_method character varying(32),
  ui jsonb,
  nid uuid,
  submit_count integer DEFAULT 0 NOT NULL,
  oauth2_login_challenge text,
  session_id uuid,
  identity_id uuid,
  authentication_methods json
);

CREATE TABLE identity_verification_tokens (
  id uuid NOT NULL,
  token character varying(64) NOT NULL,
  used boolean DEFAULT false NOT NULL,
  used_at timestamp without time zone,
  expires_at timestamp without time zone NOT NULL,
  issued_at timestamp without time zone NOT NULL,
  identity_verifiable_address_id uuid NOT NULL,
  selfservice_verification_flow_id uuid NOT NULL,
  created_at timestamp without time zone NOT NULL,
  updated_at timestamp without time zone NOT NULL,
  nid uuid
);

CREATE TABLE identity_verification_codes (
  id uuid NOT NULL,
  code_hmac character varying(64) NOT NULL,
  used_at timestamp without time zone,
  identity_verifiable_address_id uuid,
  expires_at timestamp without time zone DEFAULT '2000-01-01 00:00:00'::timestamp without time zone NOT NULL,
  issued_at timestamp without time zone DEFAULT '2000-01-01 00:00:00'::timestamp without time zone NOT NULL,
  selfservice_verification_flow_id uuid NOT NULL,
  created_at timestamp without time zone NOT NULL,
  updated_at timestamp without time zone NOT NULL,
  nid uuid NOT NULL
);

CREATE TABLE identity_recovery_tokens (
  id uuid NOT NULL,
  token character varying(64) NOT NULL,
  used boolean DEFAULT false NOT NULL,
  used_at timestamp without time zone,
  identity_recovery_address_id uuid,
  selfservice_recovery_flow_id uuid,
  created_at timestamp without time zone NOT NULL,
  updated_at timestamp without time zone NOT NULL,
  expires_at timestamp without time zone DEFAULT '2000-01-01 00:00:00'::timestamp without time zone NOT NULL,
  issued_at timestamp without time zone DEFAULT '2000-01-01 00:00:00'::timestamp without time zone NOT NULL,
  nid uuid,
  identity_id uuid NOT NULL,
  token_type integer DEFAULT 0 NOT NULL,
  CONSTRAINT identity_recovery_tokens_token_type_ck CHECK (((token_type = 1) OR (token_type = 2)))
);

CREATE TABLE identity_recovery_codes (
  id uuid NOT NULL,
  code character varying(64) NOT NULL,
  used_at timestamp without time zone,
  identity_recovery_address_id uuid,
  code_type integer NOT NULL,
  expires_at timestamp without time zone DEFAULT '2000-01-01 00:00:00'::timestamp without time zone NOT NULL,
  issued_at timestamp without time zone DEFAULT '2000-01-01 00:00:00'::timestamp without time zone NOT NULL,
  selfservice_recovery_flow_id uuid NOT NULL,
  created_at timestamp without time zone NOT NULL,
  updated_at timestamp without time zone NOT NULL,
  nid uuid NOT NULL,
  identity_id uuid NOT NULL
);

CREATE TABLE identity_login_codes (
  id uuid NOT NULL,
  code character varying(64) NOT NULL,
  address character varying(255) NOT NULL,
  address_type character(36) NOT NULL,
  used_at timestamp without time zone,
  expires_at timestamp without time zone DEFAULT '2000-01-01 00:00:00'::timestamp without time zone NOT NULL,
  issued_at timestamp without time zone DEFAULT '2000-01-01 00:00:00'::timestamp without time zone NOT NULL,
  selfservice_login_flow_id uuid NOT NULL,
  identity_id uuid NOT NULL,
  created_at timestamp without time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
  updated_at timestamp without time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
  nid uuid NOT NULL
);

CREATE TABLE identity_registration_codes (
  id uuid NOT NULL,
  code character varying(64) NOT NULL,
  address character varying(255) NOT NULL,
  address_type character(36) NOT NULL,
  used_at timestamp without time zone,
  expires_at timestamp without time zone DEFAULT '2000-01-01 00:00:00'::timestamp without time zone NOT NULL,
  issued_at timestamp without time zone DEFAULT '2000-01-01 00:00:00'::timestamp without time zone NOT NULL,
  selfservice_registration_flow_id uuid NOT NULL,
  created_at timestamp without time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
  updated_at timestamp without time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
  nid uuid NOT NULL
);

CREATE TABLE sessions (
  id uuid NOT NULL,
  issued_at timestamp without time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
  expires_at timestamp without time zone NOT NULL,
  authenticated_at timestamp without time zone NOT NULL,
  identity_id uuid NOT NULL,
  created_at timestamp without time zone NOT NULL,
  updated_at timestamp without time zone NOT NULL,
  token character varying(39),
  active boolean DEFAULT false,
  nid uuid,
  logout_token character varying(39),
  aal character varying(4) DEFAULT 'aal1'::character varying NOT NULL,
  authentication_methods jsonb NOT NULL
);

CREATE TABLE session_devices (
  id uuid NOT NULL,
  ip_address character varying(50) DEFAULT ''::character varying,
  user_agent character varying(512) DEFAULT ''::character varying,
  location character varying(512) DEFAULT ''::character varying,
  nid uuid NOT NULL,
  session_id uuid NOT NULL,
  created_at timestamp without time zone NOT NULL,
  updated_at timestamp without time zone NOT NULL
);

CREATE TABLE session_token_exchanges (
  id uuid NOT NULL,
  nid uuid NOT NULL,
  flow_id uuid NOT NULL,
  session_id uuid,
  init_code character varying(64) NOT NULL,
  return_to_code character varying(64) NOT NULL,
  created_at timestamp without time zone NOT NULL,
  updated_at timestamp without time zone NOT NULL
);

CREATE TABLE continuity_containers (
  id uuid NOT NULL,
  identity_id uuid,
  name character varying(255) NOT NULL,
  payload jsonb,
  expires_at timestamp without time zone NOT NULL,
  created_at timestamp without time zone NOT NULL,
  updated_at timestamp without time zone NOT NULL,
  nid uuid
);

CREATE TABLE selfservice_errors (
  id uuid NOT NULL,
  errors jsonb NOT NULL,
  seen_at timestamp without time zone,
  was_seen boolean NOT NULL,
  created_at timestamp without time zone NOT NULL,
  updated_at timestamp without time zone NOT NULL,
  csrf_token character varying(255) DEFAULT ''::character varying NOT NULL,
  nid uuid
);

CREATE TABLE courier_messages (
  id uuid NOT NULL,
  type integer NOT NULL,
  status integer NOT NULL,
  body text NOT NULL,
  subject character varying(255) NOT NULL,
  recipient character varying(255) NOT NULL,
  created_at timestamp without time zone NOT NULL,
  updated_at timestamp without time zone NOT NULL,
  template_type character varying(255) DEFAULT ''::character varying NOT NULL,
  template_data bytea,
  nid uuid,
  send_count integer DEFAULT 0 NOT NULL,
  channel character varying(32)
);

CREATE TABLE courier_message_dispatches (
  id uuid NOT NULL,
  message_id uuid NOT NULL,
  status character varying(7) NOT NULL,
  error json,
  nid uuid NOT NULL,
  created_at timestamp without time zone DEFAULT CURRENT_TIMESTAMP NOT NULL,
  updated_at timestamp without time zone DEFAULT CURRENT_TIMESTAMP NOT NULL
);

CREATE TABLE schema_migration (
  version character varying(48) NOT NULL,
  version_self integer DEFAULT 0 NOT NULL
);

ALTER TABLE ONLY networks ADD CONSTRAINT networks_pkey PRIMARY KEY (id);
ALTER TABLE ONLY identity_credential_types ADD CONSTRAINT identity_credential_types_pkey PRIMARY KEY (id);
ALTER TABLE ONLY identities ADD CONSTRAINT identities_pkey PRIMARY KEY (id);
ALTER TABLE ONLY identity_credentials ADD CONSTRAINT identity_credentials_pkey PRIMARY KEY (id);
ALTER TABLE ONLY identity_credential_identifiers ADD CONSTRAINT identity_credential_identifiers_pkey PRIMARY KEY (id);
ALTER TABLE ONLY identity_verifiable_addresses ADD CONSTRAINT identity_verifiable_addresses_pkey PRIMARY KEY (id);
ALTER TABLE ONLY identity_recovery_addresses ADD CONSTRAINT identity_recovery_addresses_pkey PRIMARY KEY (id);
ALTER TABLE ONLY selfservice_login_flows ADD CONSTRAINT selfservice_login_requests_pkey PRIMARY KEY (id);
ALTER TABLE ONLY selfservice_registration_flows ADD CONSTRAINT selfservice_registration_requests_pkey PRIMARY KEY (id);
ALTER TABLE ONLY selfservice_settings_flows ADD CONSTRAINT selfservice_profile_management_requests_pkey PRIMARY KEY (id);
ALTER TABLE ONLY selfservice_recovery_flows ADD CONSTRAINT selfservice_recovery_requests_pkey PRIMARY KEY (id);
ALTER TABLE ONLY selfservice_verification_flows ADD CONSTRAINT selfservice_verification_requests_pkey PRIMARY KEY (id);
ALTER TABLE ONLY identity_verification_tokens ADD CONSTRAINT identity_verification_tokens_pkey PRIMARY KEY (id);
ALTER TABLE ONLY identity_verification_codes ADD CONSTRAINT identity_verification_codes_pkey PRIMARY KEY (id);
ALTER TABLE ONLY identity_recovery_tokens ADD CONSTRAINT identity_recovery_tokens_pkey PRIMARY KEY (id);
ALTER TABLE ONLY identity_recovery_codes ADD CONSTRAINT identity_recovery_codes_pkey PRIMARY KEY (id);
ALTER TABLE ONLY identity_login_codes ADD CONSTRAINT identity_login_codes_pkey PRIMARY KEY (id);
ALTER TABLE ONLY identity_registration_codes ADD CONSTRAINT identity_registration_codes_pkey PRIMARY KEY (id);
ALTER TABLE ONLY sessions ADD CONSTRAINT sessions_pkey PRIMARY KEY (id);
ALTER TABLE ONLY session_devices ADD CONSTRAINT session_devices_pkey PRIMARY KEY (id);
ALTER TABLE ONLY session_token_exchanges ADD CONSTRAINT session_token_exchanges_pkey PRIMARY KEY (id);
ALTER TABLE ONLY continuity_containers ADD CONSTRAINT continuity_containers_pkey PRIMARY KEY (id);
ALTER TABLE ONLY selfservice_errors ADD CONSTRAINT selfservice_errors_pkey PRIMARY KEY (id);
ALTER TABLE ONLY courier_messages ADD CONSTRAINT courier_messages_pkey PRIMARY KEY (id);
ALTER TABLE ONLY courier_message_dispatches ADD CONSTRAINT courier_message_dispatches_pkey PRIMARY KEY (id);
ALTER TABLE ONLY session_devices ADD CONSTRAINT unique_session_device UNIQUE (nid, session_id, ip_address, user_agent);

CREATE UNIQUE INDEX identity_credential_types_name_idx ON identity_credential_types USING btree (name);
CREATE UNIQUE INDEX identity_credential_identifiers_identifier_nid_type_uq_idx ON identity_credential_identifiers USING btree (nid, identity_credential_type_id, identifier);
CREATE INDEX identity_credential_identifiers_nid_identity_credential_id_idx ON identity_credential_identifiers USING btree (identity_credential_id, nid);
CREATE INDEX identity_credentials_nid_identity_id_idx ON identity_credentials USING btree (identity_id, nid);
CREATE INDEX identities_nid_id_idx ON identities USING btree (nid, id);
CREATE UNIQUE INDEX identity_recovery_addresses_status_via_uq_idx ON identity_recovery_addresses USING btree (nid, via, value);
CREATE UNIQUE INDEX identity_verifiable_addresses_status_via_uq_idx ON identity_verifiable_addresses USING btree (nid, via, value);
CREATE UNIQUE INDEX identity_recovery_addresses_code_uq_idx ON identity_recovery_tokens USING btree (token);
CREATE UNIQUE INDEX identity_verification_tokens_token_uq_idx ON identity_verification_tokens USING btree (token);
CREATE INDEX identity_login_codes_nid_flow_id_idx ON identity_login_codes USING btree (nid, selfservice_login_flow_id);
CREATE INDEX identity_registration_codes_nid_flow_id_idx ON identity_registration_codes USING btree (nid, selfservice_registration_flow_id);
CREATE INDEX identity_recovery_codes_nid_flow_id_idx ON identity_recovery_codes USING btree (nid, selfservice_recovery_flow_id);
CREATE INDEX identity_verification_codes_nid_flow_id_idx ON identity_verification_codes USING btree (nid, selfservice_verification_flow_id);
CREATE UNIQUE INDEX sessions_token_uq_idx ON sessions USING btree (token);
CREATE UNIQUE INDEX sessions_logout_token_uq_idx ON sessions USING btree (logout_token);
CREATE INDEX sessions_identity_id_nid_sorted_idx ON sessions USING btree (identity_id, nid, authenticated_at DESC);
CREATE INDEX session_token_exchanges_nid_flow_id_idx ON session_token_exchanges USING btree (flow_id, nid);
CREATE INDEX courier_messages_status_idx ON courier_messages USING btree (status);
CREATE INDEX courier_messages_nid_recipient_created_at_id_idx ON courier_messages USING btree (nid, recipient, created_at);
CREATE UNIQUE INDEX schema_migration_version_idx ON schema_migration USING btree (version);
CREATE INDEX schema_migration_version_self_idx ON schema_migration USING btree (version_self);

ALTER TABLE ONLY continuity_containers ADD CONSTRAINT continuity_containers_identity_id_fkey FOREIGN KEY (identity_id) REFERENCES identities(id) ON DELETE CASCADE;
ALTER TABLE ONLY continuity_containers ADD CONSTRAINT continuity_containers_nid_fk_idx FOREIGN KEY (nid) REFERENCES networks(id) ON UPDATE RESTRICT ON DELETE CASCADE;
ALTER TABLE ONLY courier_message_dispatches ADD CONSTRAINT courier_message_dispatches_message_id_fk FOREIGN KEY (message_id) REFERENCES courier_messages(id) ON DELETE CASCADE;
ALTER TABLE ONLY courier_message_dispatches ADD CONSTRAINT courier_message_dispatches_nid_fk FOREIGN KEY (nid) REFERENCES networks(id) ON DELETE CASCADE;
ALTER TABLE ONLY courier_messages ADD CONSTRAINT courier_messages_nid_fk_idx FOREIGN KEY (nid) REFERENCES networks(id) ON UPDATE RESTRICT ON DELETE CASCADE;
ALTER TABLE ONLY identities ADD CONSTRAINT identities_nid_fk_idx FOREIGN KEY (nid) REFERENCES networks(id) ON UPDATE RESTRICT ON DELETE CASCADE;
ALTER TABLE ONLY identity_credential_identifiers ADD CONSTRAINT identity_credential_identifiers_identity_credential_id_fkey FOREIGN KEY (identity_credential_id) REFERENCES identity_credentials(id) ON DELETE CASCADE;
ALTER TABLE ONLY identity_credential_identifiers ADD CONSTRAINT identity_credential_identifiers_nid_fk_idx FOREIGN KEY (nid) REFERENCES networks(id) ON UPDATE RESTRICT ON DELETE CASCADE;
ALTER TABLE ONLY identity_credential_identifiers ADD CONSTRAINT identity_credential_identifiers_type_id_fk_idx FOREIGN KEY (identity_credential_type_id) REFERENCES identity_credential_types(id) ON UPDATE RESTRICT ON DELETE CASCADE;
ALTER TABLE ONLY identity_credentials ADD CONSTRAINT identity_credentials_identity_credential_type_id_fkey FOREIGN KEY (identity_credential_type_id) REFERENCES identity_credential_types(id) ON DELETE CASCADE;
ALTER TABLE ONLY identity_credentials ADD CONSTRAINT identity_credentials_identity_id_fkey FOREIGN KEY (identity_id) REFERENCES identities(id) ON DELETE CASCADE;
ALTER TABLE ONLY identity_credentials ADD CONSTRAINT identity_credentials_nid_fk_idx FOREIGN KEY (nid) REFERENCES networks(id) ON UPDATE RESTRICT ON DELETE CASCADE;
ALTER TABLE ONLY identity_login_codes ADD CONSTRAINT identity_login_codes_networks_id_fk FOREIGN KEY (nid) REFERENCES networks(id) ON UPDATE RESTRICT ON DELETE CASCADE;
ALTER TABLE ONLY identity_login_codes ADD CONSTRAINT identity_login_codes_selfservice_login_flows_id_fk FOREIGN KEY (selfservice_login_flow_id) REFERENCES selfservice_login_flows(id) ON DELETE CASCADE;
ALTER TABLE ONLY identity_recovery_addresses ADD CONSTRAINT identity_recovery_addresses_identity_id_fkey FOREIGN KEY (identity_id) REFERENCES identities(id) ON DELETE CASCADE;
ALTER TABLE ONLY identity_recovery_addresses ADD CONSTRAINT identity_recovery_addresses_nid_fk_idx FOREIGN KEY (nid) REFERENCES networks(id) ON UPDATE RESTRICT ON DELETE CASCADE;
ALTER TABLE ONLY identity_recovery_codes ADD CONSTRAINT identity_recovery_codes_identity_id_fk FOREIGN KEY (identity_id) REFERENCES identities(id) ON UPDATE RESTRICT ON DELETE CASCADE;
ALTER TABLE ONLY identity_recovery_codes ADD CONSTRAINT identity_recovery_codes_identity_recovery_addresses_id_fk FOREIGN KEY (identity_recovery_address_id) REFERENCES identity_recovery_addresses(id) ON DELETE CASCADE;
ALTER TABLE ONLY identity_recovery_codes ADD CONSTRAINT identity_recovery_codes_networks_id_fk FOREIGN KEY (nid) REFERENCES networks(id) ON UPDATE RESTRICT ON DELETE CASCADE;
ALTER TABLE ONLY identity_recovery_codes ADD CONSTRAINT identity_recovery_codes_selfservice_recovery_flows_id_fk FOREIGN KEY (selfservice_recovery_flow_id) REFERENCES selfservice_recovery_flows(id) ON DELETE CASCADE;
ALTER TABLE ONLY identity_recovery_tokens ADD CONSTRAINT identity_recovery_tokens_identity_id_fk_idx FOREIGN KEY (identity_id) REFERENCES identities(id) ON UPDATE RESTRICT ON DELETE CASCADE;
ALTER TABLE ONLY identity_recovery_tokens ADD CONSTRAINT identity_recovery_tokens_identity_recovery_address_id_fkey FOREIGN KEY (identity_recovery_address_id) REFERENCES identity_recovery_addresses(id) ON DELETE CASCADE;
ALTER TABLE ONLY identity_recovery_tokens ADD CONSTRAINT identity_recovery_tokens_nid_fk_idx FOREIGN KEY (nid) REFERENCES networks(id) ON UPDATE RESTRICT ON DELETE CASCADE;
ALTER TABLE ONLY identity_recovery_tokens ADD CONSTRAINT identity_recovery_tokens_selfservice_recovery_request_id_fkey FOREIGN KEY (selfservice_recovery_flow_id) REFERENCES selfservice_recovery_flows(id) ON DELETE CASCADE;
ALTER TABLE ONLY identity_registration_codes ADD CONSTRAINT identity_registration_codes_networks_id_fk FOREIGN KEY (nid) REFERENCES networks(id) ON UPDATE RESTRICT ON DELETE CASCADE;
ALTER TABLE ONLY identity_registration_codes ADD CONSTRAINT identity_registration_codes_selfservice_registration_flows_id_f FOREIGN KEY (selfservice_registration_flow_id) REFERENCES selfservice_registration_flows(id) ON DELETE CASCADE;
ALTER TABLE ONLY identity_verifiable_addresses ADD CONSTRAINT identity_verifiable_addresses_identity_id_fkey FOREIGN KEY (identity_id) REFERENCES identities(id) ON DELETE CASCADE;
ALTER TABLE ONLY identity_verifiable_addresses ADD CONSTRAINT identity_verifiable_addresses_nid_fk_idx FOREIGN KEY (nid) REFERENCES networks(id) ON UPDATE RESTRICT ON DELETE CASCADE;
ALTER TABLE ONLY identity_verification_codes ADD CONSTRAINT identity_verification_codes_identity_verifiable_addresses_id_fk FOREIGN KEY (identity_verifiable_address_id) REFERENCES identity_verifiable_addresses(id) ON DELETE CASCADE;
ALTER TABLE ONLY identity_verification_codes ADD CONSTRAINT identity_verification_codes_networks_id_fk FOREIGN KEY (nid) REFERENCES networks(id) ON UPDATE RESTRICT ON DELETE CASCADE;
ALTER TABLE ONLY identity_verification_codes ADD CONSTRAINT identity_verification_codes_selfservice_verification_flows_id_f FOREIGN KEY (selfservice_verification_flow_id) REFERENCES selfservice_verification_flows(id) ON DELETE CASCADE;
ALTER TABLE ONLY identity_verification_tokens ADD CONSTRAINT identity_verification_tokens_identity_verifiable_address_i_fkey FOREIGN KEY (identity_verifiable_address_id) REFERENCES identity_verifiable_addresses(id) ON DELETE CASCADE;
ALTER TABLE ONLY identity_verification_tokens ADD CONSTRAINT identity_verification_tokens_nid_fk_idx FOREIGN KEY (nid) REFERENCES networks(id) ON UPDATE RESTRICT ON DELETE CASCADE;
ALTER TABLE ONLY identity_verification_tokens ADD CONSTRAINT identity_verification_tokens_selfservice_verification_flow_fkey FOREIGN KEY (selfservice_verification_flow_id) REFERENCES selfservice_verification_flows(id) ON DELETE CASCADE;
ALTER TABLE ONLY selfservice_errors ADD CONSTRAINT selfservice_errors_nid_fk_idx FOREIGN KEY (nid) REFERENCES networks(id) ON UPDATE RESTRICT ON DELETE CASCADE;
ALTER TABLE ONLY selfservice_login_flows ADD CONSTRAINT selfservice_login_flows_nid_fk_idx FOREIGN KEY (nid) REFERENCES networks(id) ON UPDATE RESTRICT ON DELETE CASCADE;
ALTER TABLE ONLY selfservice_settings_flows ADD CONSTRAINT selfservice_profile_management_requests_identity_id_fkey FOREIGN KEY (identity_id) REFERENCES identities(id) ON DELETE CASCADE;
ALTER TABLE ONLY selfservice_recovery_flows ADD CONSTRAINT selfservice_recovery_flows_nid_fk_idx FOREIGN KEY (nid) REFERENCES networks(id) ON UPDATE RESTRICT ON DELETE CASCADE;
ALTER TABLE ONLY selfservice_recovery_flows ADD CONSTRAINT selfservice_recovery_requests_recovered_identity_id_fkey FOREIGN KEY (recovered_identity_id) REFERENCES identities(id) ON DELETE CASCADE;
ALTER TABLE ONLY selfservice_registration_flows ADD CONSTRAINT selfservice_registration_flows_nid_fk_idx FOREIGN KEY (nid) REFERENCES networks(id) ON UPDATE RESTRICT ON DELETE CASCADE;
ALTER TABLE ONLY selfservice_settings_flows ADD CONSTRAINT selfservice_settings_flows_nid_fk_idx FOREIGN KEY (nid) REFERENCES networks(id) ON UPDATE RESTRICT ON DELETE CASCADE;
ALTER TABLE ONLY selfservice_verification_flows ADD CONSTRAINT selfservice_verification_flows_nid_fk_idx FOREIGN KEY (nid) REFERENCES networks(id) ON UPDATE RESTRICT ON DELETE CASCADE;
ALTER TABLE ONLY session_devices ADD CONSTRAINT session_metadata_nid_fk FOREIGN KEY (nid) REFERENCES networks(id) ON DELETE CASCADE;
ALTER TABLE ONLY session_devices ADD CONSTRAINT session_metadata_sessions_id_fk FOREIGN KEY (session_id) REFERENCES sessions(id) ON DELETE CASCADE;
ALTER TABLE ONLY sessions ADD CONSTRAINT sessions_identity_id_fkey FOREIGN KEY (identity_id) REFERENCES identities(id) ON DELETE CASCADE;
ALTER TABLE ONLY sessions ADD CONSTRAINT sessions_nid_fk_idx FOREIGN KEY (nid) REFERENCES networks(id) ON UPDATE RESTRICT ON DELETE CASCADE;

-- Rows Kratos' migrations seed: the credential types, with ids of their own (a source
-- database has the same names under different ids, so a migration replaces these).
INSERT INTO identity_credential_types (id, name) VALUES (gen_random_uuid(), 'password'), (gen_random_uuid(), 'oidc'), (gen_random_uuid(), 'totp'), (gen_random_uuid(), 'lookup_secret'), (gen_random_uuid(), 'webauthn'), (gen_random_uuid(), 'code'), (gen_random_uuid(), 'passkey');
INSERT INTO schema_migration (version, version_self) VALUES ('20150100000001000000', 0), ('20191100000001000000', 0), ('20200519101057000000', 0), ('20210410175418000000', 0), ('20220301102701000000', 0), ('20220420150000000000', 0), ('20220824165300000000', 0), ('20221107000000000000', 0), ('20230313000000000000', 0), ('20230405000000000000', 0), ('20230707133700000000', 0), ('20230707133700000001', 0), ('20230712173852000000', 0), ('20230811000000000001', 0), ('20230818000000000001', 0), ('20230823000000000001', 0), ('20230907085000000000', 0), ('20230920171028000000', 0), ('20231130094628000000', 0), ('20240119094628000000', 0), ('20240208000000000000', 0), ('20240612000000000000', 0), ('20240703000000000000', 0), ('20240904000000000000', 0);
