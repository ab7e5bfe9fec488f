-- Ory Kratos v1.3.1 schema, MySQL flavour (what `kratos migrate sql` leaves on MySQL 8 /
-- MariaDB). Generated for the converge_assets demo; statements end with ';' at line end.

CREATE TABLE `networks` (
  `id` CHAR(36) NOT NULL,
  `created_at` DATETIME NOT NULL,
  `updated_at` DATETIME NOT NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE `identity_credential_types` (
  `id` CHAR(36) NOT NULL,
  `name` VARCHAR(32) NOT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `identity_credential_types_name_idx` (`name`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE `identities` (
  `id` CHAR(36) NOT NULL,
  `schema_id` VARCHAR(2048) NOT NULL,
  `traits` JSON NOT NULL,
  `created_at` DATETIME NOT NULL,
  `updated_at` DATETIME NOT NULL,
  `nid` CHAR(36) NULL,
  `state` VARCHAR(255) NOT NULL DEFAULT 'active',
  `state_changed_at` TIMESTAMP NULL,
  `metadata_public` JSON NULL,
  `metadata_admin` JSON NULL,
  `available_aal` VARCHAR(4) NULL,
  `organization_id` CHAR(36) NULL,
  PRIMARY KEY (`id`),
  KEY `identities_nid_id_idx` (`nid`, `id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE `identity_credentials` (
  `id` CHAR(36) NOT NULL,
  `config` JSON NOT NULL,
  `identity_credential_type_id` CHAR(36) NOT NULL,
  `identity_id` CHAR(36) NOT NULL,
  `created_at` DATETIME NOT NULL,
  `updated_at` DATETIME NOT NULL,
  `nid` CHAR(36) NULL,
  `version` INT NOT NULL DEFAULT 0,
  PRIMARY KEY (`id`),
  KEY `identity_credentials_nid_identity_id_idx` (`identity_id`, `nid`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE `identity_credential_identifiers` (
  `id` CHAR(36) NOT NULL,
  `identifier` VARCHAR(255) NULL,
  `identity_credential_id` CHAR(36) NOT NULL,
  `created_at` DATETIME NOT NULL,
  `updated_at` DATETIME NOT NULL,
  `nid` CHAR(36) NULL,
  `identity_credential_type_id` CHAR(36) NOT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `identity_credential_identifiers_identifier_nid_type_uq_idx` (`nid`, `identity_credential_type_id`, `identifier`),
  KEY `identity_credential_identifiers_nid_identity_credential_id_idx` (`identity_credential_id`, `nid`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE `identity_verifiable_addresses` (
  `id` CHAR(36) NOT NULL,
  `status` VARCHAR(16) NOT NULL,
  `via` VARCHAR(16) NOT NULL,
  `verified` TINYINT(1) NOT NULL,
  `value` VARCHAR(400) NOT NULL,
  `verified_at` DATETIME NULL,
  `identity_id` CHAR(36) NOT NULL,
  `created_at` DATETIME NOT NULL,
  `updated_at` DATETIME NOT NULL,
  `nid` CHAR(36) NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `identity_verifiable_addresses_status_via_uq_idx` (`nid`, `via`, `value`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE `identity_recovery_addresses` (
  `id` CHAR(36) NOT NULL,
  `via` VARCHAR(16) NOT NULL,
  `value` VARCHAR(400) NOT NULL,
  `identity_id` CHAR(36) NOT NULL,
  `created_at` DATETIME NOT NULL,
  `updated_at` DATETIME NOT NULL,
  `nid` CHAR(36) NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `identity_recovery_addresses_status_via_uq_idx` (`nid`, `via`, `value`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE `selfservice_login_flows` (
  `id` CHAR(36) NOT NULL,
  `request_url` TEXT NULL,
  `issued_at` DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  `expires_at` DATETIME NOT NULL,
  `active_method` VARCHAR(32) NOT NULL,
  `csrf_token` VARCHAR(255) NOT NULL,
  `created_at` DATETIME NOT NULL,
  `updated_at` DATETIME NOT NULL,
  `forced` TINYINT(1) NOT NULL DEFAULT 0,
  `type` VARCHAR(16) NOT NULL DEFAULT 'browser',
  `ui` JSON NULL,
  `nid` CHAR(36) NULL,
  `requested_aal` VARCHAR(4) NOT NULL DEFAULT 'aal1',
  `internal_context` JSON NOT NULL,
  `oauth2_login_challenge` VARCHAR(36) NULL,
  `oauth2_login_challenge_data` TEXT NULL,
  `state` VARCHAR(255) NULL,
  `submit_count` INT NOT NULL DEFAULT 0,
  `organization_id` CHAR(36) NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE `selfservice_registration_flows` (
  `id` CHAR(36) NOT NULL,
  `request_url` TEXT NULL,
  `issued_at` DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  `expires_at` DATETIME NOT NULL,
  `active_method` VARCHAR(32) NOT NULL,
  `csrf_token` VARCHAR(255) NOT NULL,
  `created_at` DATETIME NOT NULL,
  `updated_at` DATETIME NOT NULL,
  `type` VARCHAR(16) NOT NULL DEFAULT 'browser',
  `ui` JSON NULL,
  `nid` CHAR(36) NULL,
  `internal_context` JSON NOT NULL,
  `oauth2_login_challenge` VARCHAR(36) NULL,
  `oauth2_login_challenge_data` TEXT NULL,
  `state` VARCHAR(255) NULL,
  `submit_count` INT NOT NULL DEFAULT 0,
  `organization_id` CHAR(36) NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE `selfservice_settings_flows` (
  `id` CHAR(36) NOT NULL,
  `request_url` TEXT NULL,
  `issued_at` DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  `expires_at` DATETIME NOT NULL,
  `identity_id` CHAR(36) NOT NULL,
  `created_at` DATETIME NOT NULL,
  `updated_at` DATETIME NOT NULL,
  `active_method` VARCHAR(32) NULL,
  `state` VARCHAR(255) NOT NULL DEFAULT 'show_form',
  `type` VARCHAR(16) NOT NULL DEFAULT 'browser',
  `ui` JSON NULL,
  `nid` CHAR(36) NULL,
  `internal_context` JSON NOT NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE `selfservice_recovery_flows` (
  `id` CHAR(36) NOT NULL,
  `request_url` TEXT NULL,
  `issued_at` DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  `expires_at` DATETIME NOT NULL,
  `active_method` VARCHAR(32) NULL,
  `csrf_token` VARCHAR(255) NOT NULL,
  `state` VARCHAR(32) NOT NULL,
  `recovered_identity_id` CHAR(36) NULL,
  `created_at` DATETIME NOT NULL,
  `updated_at` DATETIME NOT NULL,
  `type` VARCHAR(16) NOT NULL DEFAULT 'browser',
  `ui` JSON NULL,
  `nid` CHAR(36) NULL,
  `submit_count` INT NOT NULL DEFAULT 0,
  `skip_csrf_check` TINYINT(1) NOT NULL DEFAULT 0,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE `selfservice_verification_flows` (
  `id` CHAR(36) NOT NULL,
  `request_url` TEXT NULL,
  `issued_at` DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  `expires_at` DATETIME NOT NULL,
  `csrf_token` VARCHAR(255) NOT NULL,
  `created_at` DATETIME NOT NULL,
  `updated_at` DATETIME NOT NULL,
  `type` VARCHAR(16) NOT NULL DEFAULT 'browser',
  `state` VARCHAR(255) NOT NULL DEFAULT 'show_form',
  `active_method` VARCHAR(32) NULL,
  `ui` JSON NULL,
  `nid` CHAR(36) NULL,
  `submit_count` INT NOT NULL DEFAULT 0,
  `oauth2_login_challenge` TEXT NULL,
  `session_id` CHAR(36) NULL,
  `identity_id` CHAR(36) NULL,
  `authentication_methods` JSON NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE `identity_verification_tokens` (
  `id` CHAR(36) NOT NULL,
  `token` VARCHAR(64) NOT NULL,
  `used` TINYINT(1) NOT NULL DEFAULT 0,
  `used_at` DATETIME NULL,
  `expires_at` DATETIME NOT NULL,
  `issued_at` DATETIME NOT NULL,
  `identity_verifiable_address_id` CHAR(36) NOT NULL,
  `selfservice_verification_flow_id` CHAR(36) NOT NULL,
  `created_at` DATETIME NOT NULL,
  `updated_at` DATETIME NOT NULL,
  `nid` CHAR(36) NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `identity_verification_tokens_token_uq_idx` (`token`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE `identity_verification_codes` (
  `id` CHAR(36) NOT NULL,
  `code_hmac` VARCHAR(64) NOT NULL,
  `used_at` TIMESTAMP NULL,
  `identity_verifiable_address_id` CHAR(36) NULL,
  `expires_at` TIMESTAMP NOT NULL DEFAULT '2000-01-01 00:00:00',
  `issued_at` TIMESTAMP NOT NULL DEFAULT '2000-01-01 00:00:00',
  `selfservice_verification_flow_id` CHAR(36) NOT NULL,
  `created_at` TIMESTAMP NOT NULL,
  `updated_at` TIMESTAMP NOT NULL,
  `nid` CHAR(36) NOT NULL,
  PRIMARY KEY (`id`),
  KEY `identity_verification_codes_nid_flow_id_idx` (`nid`, `selfservice_verification_flow_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE `identity_recovery_tokens` (
  `id` CHAR(36) NOT NULL,
  `nid` CHAR(36) NULL,
  `token` VARCHAR(64) NULL,
  `used` TINYINT(1) NOT NULL DEFAULT 0,
  `used_at` DATETIME NULL,
  `identity_recovery_address_id` CHAR(36) NULL,
  `selfservice_recovery_flow_id` CHAR(36) NULL,
  `identity_id` CHAR(36) NOT NULL,
  `token_type` INT NOT NULL DEFAULT 0,
  `expires_at` DATETIME NOT NULL DEFAULT '2000-01-01 00:00:00',
  `issued_at` DATETIME NOT NULL DEFAULT '2000-01-01 00:00:00',
  `created_at` DATETIME NOT NULL,
  `updated_at` DATETIME NOT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `identity_recovery_addresses_code_uq_idx` (`token`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE `identity_recovery_codes` (
  `id` CHAR(36) NOT NULL,
  `code` VARCHAR(64) NOT NULL,
  `used_at` TIMESTAMP NULL,
  `identity_recovery_address_id` CHAR(36) NULL,
  `code_type` INT NOT NULL,
  `expires_at` TIMESTAMP NOT NULL DEFAULT '2000-01-01 00:00:00',
  `issued_at` TIMESTAMP NOT NULL DEFAULT '2000-01-01 00:00:00',
  `selfservice_recovery_flow_id` CHAR(36) NULL,
  `created_at` TIMESTAMP NOT NULL,
  `updated_at` TIMESTAMP NOT NULL,
  `nid` CHAR(36) NOT NULL,
  `identity_id` CHAR(36) NOT NULL,
  PRIMARY KEY (`id`),
  KEY `identity_recovery_codes_nid_flow_id_idx` (`nid`, `selfservice_recovery_flow_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE `identity_login_codes` (
  `id` CHAR(36) NOT NULL,
  `code` VARCHAR(64) NOT NULL,
  `address` VARCHAR(255) NOT NULL,
  `address_type` CHAR(36) NOT NULL,
  `used_at` TIMESTAMP NULL,
  `expires_at` TIMESTAMP NOT NULL DEFAULT '2000-01-01 00:00:00',
  `issued_at` TIMESTAMP NOT NULL DEFAULT '2000-01-01 00:00:00',
  `selfservice_login_flow_id` CHAR(36) NULL,
  `identity_id` CHAR(36) NOT NULL,
  `created_at` TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  `updated_at` TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  `nid` CHAR(36) NOT NULL,
  PRIMARY KEY (`id`),
  KEY `identity_login_codes_nid_flow_id_idx` (`nid`, `selfservice_login_flow_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE `identity_registration_codes` (
  `id` CHAR(36) NOT NULL,
  `code` VARCHAR(64) NOT NULL,
  `address` VARCHAR(255) NOT NULL,
  `address_type` CHAR(36) NOT NULL,
  `used_at` TIMESTAMP NULL,
  `expires_at` TIMESTAMP NOT NULL DEFAULT '2000-01-01 00:00:00',
  `issued_at` TIMESTAMP NOT NULL DEFAULT '2000-01-01 00:00:00',
  `selfservice_registration_flow_id` CHAR(36) NULL,
  `created_at` TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  `updated_at` TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  `nid` CHAR(36) NOT NULL,
  PRIMARY KEY (`id`),
  KEY `identity_registration_codes_nid_flow_id_idx` (`nid`, `selfservice_registration_flow_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE `sessions` (
  `id` CHAR(36) NOT NULL,
  `nid` CHAR(36) NULL,
  `issued_at` DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  `expires_at` DATETIME NOT NULL,
  `authenticated_at` DATETIME NOT NULL,
  `identity_id` CHAR(36) NOT NULL,
  `token` VARCHAR(39) NULL,
  `logout_token` VARCHAR(39) NULL,
  `active` TINYINT(1) NULL DEFAULT 0,
  `aal` VARCHAR(4) NOT NULL DEFAULT 'aal1',
  `authentication_methods` JSON NOT NULL,
  `created_at` DATETIME NOT NULL,
  `updated_at` DATETIME NOT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `sessions_token_uq_idx` (`token`),
  UNIQUE KEY `sessions_logout_token_uq_idx` (`logout_token`),
  KEY `sessions_identity_id_nid_sorted_idx` (`identity_id`, `nid`, `authenticated_at`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE `session_devices` (
  `id` CHAR(36) NOT NULL,
  `ip_address` VARCHAR(50) NULL DEFAULT '',
  `user_agent` VARCHAR(512) NULL DEFAULT '',
  `location` VARCHAR(512) NULL DEFAULT '',
  `nid` CHAR(36) NOT NULL,
  `session_id` CHAR(36) NOT NULL,
  `created_at` TIMESTAMP NOT NULL,
  `updated_at` TIMESTAMP NOT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `unique_session_device` (`nid`, `session_id`, `ip_address`, `user_agent`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE `session_token_exchanges` (
  `id` CHAR(36) NOT NULL,
  `nid` CHAR(36) NOT NULL,
  `flow_id` CHAR(36) NOT NULL,
  `session_id` CHAR(36) NULL,
  `init_code` VARCHAR(64) NOT NULL,
  `return_to_code` VARCHAR(64) NOT NULL,
  `created_at` TIMESTAMP NOT NULL,
  `updated_at` TIMESTAMP NOT NULL,
  PRIMARY KEY (`id`),
  KEY `session_token_exchanges_nid_flow_id_idx` (`flow_id`, `nid`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE `continuity_containers` (
  `id` CHAR(36) NOT NULL,
  `identity_id` CHAR(36) NULL,
  `name` VARCHAR(255) NOT NULL,
  `payload` JSON NULL,
  `expires_at` DATETIME NOT NULL,
  `created_at` DATETIME NOT NULL,
  `updated_at` DATETIME NOT NULL,
  `nid` CHAR(36) NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE `selfservice_errors` (
  `id` CHAR(36) NOT NULL,
  `errors` JSON NOT NULL,
  `seen_at` DATETIME NULL,
  `was_seen` TINYINT(1) NOT NULL,
  `created_at` DATETIME NOT NULL,
  `updated_at` DATETIME NOT NULL,
  `csrf_token` VARCHAR(255) NOT NULL DEFAULT '',
  `nid` CHAR(36) NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE `courier_messages` (
  `id` CHAR(36) NOT NULL,
  `type` INT NOT NULL,
  `status` INT NOT NULL,
  `body` TEXT NOT NULL,
  `subject` VARCHAR(255) NOT NULL,
  `recipient` VARCHAR(255) NOT NULL,
  `created_at` DATETIME NOT NULL,
  `updated_at` DATETIME NOT NULL,
  `template_type` VARCHAR(255) NOT NULL DEFAULT '',
  `template_data` BLOB NULL,
  `nid` CHAR(36) NULL,
  `send_count` INT NOT NULL DEFAULT 0,
  `channel` VARCHAR(32) NULL,
  PRIMARY KEY (`id`),
  KEY `courier_messages_status_idx` (`status`),
  KEY `courier_messages_nid_recipient_created_at_id_idx` (`nid`, `recipient`, `created_at`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE `courier_message_dispatches` (
  `id` CHAR(36) NOT NULL,
  `message_id` CHAR(36) NOT NULL,
  `status` VARCHAR(7) NOT NULL,
  `error` JSON NULL,
  `nid` CHAR(36) NOT NULL,
  `created_at` TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  `updated_at` TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE `schema_migration` (
  `version` VARCHAR(48) NOT NULL,
  `version_self` INT NOT NULL DEFAULT 0,
  UNIQUE KEY `schema_migration_version_idx` (`version`),
  KEY `schema_migration_version_self_idx` (`version_self`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

ALTER TABLE `continuity_containers` ADD CONSTRAINT `continuity_containers_identity_id_fkey` FOREIGN KEY (`identity_id`) REFERENCES `identities` (`id`) ON DELETE CASCADE;
ALTER TABLE `continuity_containers` ADD CONSTRAINT `continuity_containers_nid_fk_idx` FOREIGN KEY (`nid`) REFERENCES `networks` (`id`) ON DELETE CASCADE ON UPDATE RESTRICT;
ALTER TABLE `courier_message_dispatches` ADD CONSTRAINT `courier_message_dispatches_message_id_fk` FOREIGN KEY (`message_id`) REFERENCES `courier_messages` (`id`) ON DELETE CASCADE;
ALTER TABLE `courier_message_dispatches` ADD CONSTRAINT `courier_message_dispatches_nid_fk` FOREIGN KEY (`nid`) REFERENCES `networks` (`id`) ON DELETE CASCADE;
ALTER TABLE `courier_messages` ADD CONSTRAINT `courier_messages_nid_fk_idx` FOREIGN KEY (`nid`) REFERENCES `networks` (`id`) ON DELETE CASCADE ON UPDATE RESTRICT;
ALTER TABLE `identities` ADD CONSTRAINT `identities_nid_fk_idx` FOREIGN KEY (`nid`) REFERENCES `networks` (`id`) ON DELETE CASCADE ON UPDATE RESTRICT;
ALTER TABLE `identity_credential_identifiers` ADD CONSTRAINT `identity_credential_identifiers_identity_credential_id_fkey` FOREIGN KEY (`identity_credential_id`) REFERENCES `identity_credentials` (`id`) ON DELETE CASCADE;
ALTER TABLE `identity_credential_identifiers` ADD CONSTRAINT `identity_credential_identifiers_nid_fk_idx` FOREIGN KEY (`nid`) REFERENCES `networks` (`id`) ON DELETE CASCADE ON UPDATE RESTRICT;
ALTER TABLE `identity_credential_identifiers` ADD CONSTRAINT `identity_credential_identifiers_type_id_fk_idx` FOREIGN KEY (`identity_credential_type_id`) REFERENCES `identity_credential_types` (`id`) ON DELETE CASCADE ON UPDATE RESTRICT;
ALTER TABLE `identity_credentials` ADD CONSTRAINT `identity_credentials_identity_credential_type_id_fkey` FOREIGN KEY (`identity_credential_type_id`) REFERENCES `identity_credential_types` (`id`) ON DELETE CASCADE;
ALTER TABLE `identity_credentials` ADD CONSTRAINT `identity_credentials_identity_id_fkey` FOREIGN KEY (`identity_id`) REFERENCES `identities` (`id`) ON DELETE CASCADE;
ALTER TABLE `identity_credentials` ADD CONSTRAINT `identity_credentials_nid_fk_idx` FOREIGN KEY (`nid`) REFERENCES `networks` (`id`) ON DELETE CASCADE ON UPDATE RESTRICT;
ALTER TABLE `identity_login_codes` ADD CONSTRAINT `identity_login_codes_networks_id_fk` FOREIGN KEY (`nid`) REFERENCES `networks` (`id`) ON DELETE CASCADE ON UPDATE RESTRICT;
ALTER TABLE `identity_login_codes` ADD CONSTRAINT `identity_login_codes_selfservice_login_flows_id_fk` FOREIGN KEY (`selfservice_login_flow_id`) REFERENCES `selfservice_login_flows` (`id`) ON DELETE CASCADE;
ALTER TABLE `identity_recovery_addresses` ADD CONSTRAINT `identity_recovery_addresses_identity_id_fkey` FOREIGN KEY (`identity_id`) REFERENCES `identities` (`id`) ON DELETE CASCADE;
ALTER TABLE `identity_recovery_addresses` ADD CONSTRAINT `identity_recovery_addresses_nid_fk_idx` FOREIGN KEY (`nid`) REFERENCES `networks` (`id`) ON DELETE CASCADE ON UPDATE RESTRICT;
ALTER TABLE `identity_recovery_codes` ADD CONSTRAINT `identity_recovery_codes_identity_id_fk` FOREIGN KEY (`identity_id`) REFERENCES `identities` (`id`) ON DELETE CASCADE ON UPDATE RESTRICT;
ALTER TABLE `identity_recovery_codes` ADD CONSTRAINT `identity_recovery_codes_identity_recovery_addresses_id_fk` FOREIGN KEY (`identity_recovery_address_id`) REFERENCES `identity_recovery_addresses` (`id`) ON DELETE CASCADE;
ALTER TABLE `identity_recovery_codes` ADD CONSTRAINT `identity_recovery_codes_networks_id_fk` FOREIGN KEY (`nid`) REFERENCES `networks` (`id`) ON DELETE CASCADE ON UPDATE RESTRICT;
ALTER TABLE `identity_recovery_codes` ADD CONSTRAINT `identity_recovery_codes_selfservice_recovery_flows_id_fk` FOREIGN KEY (`selfservice_recovery_flow_id`) REFERENCES `selfservice_recovery_flows` (`id`) ON DELETE CASCADE;
ALTER TABLE `identity_recovery_tokens` ADD CONSTRAINT `identity_recovery_tokens_identity_id_fk_idx` FOREIGN KEY (`identity_id`) REFERENCES `identities` (`id`) ON DELETE CASCADE ON UPDATE RESTRICT;
ALTER TABLE `identity_recovery_tokens` ADD CONSTRAINT `identity_recovery_tokens_identity_recovery_address_id_fkey` FOREIGN KEY (`identity_recovery_address_id`) REFERENCES `identity_recovery_addresses` (`id`) ON DELETE CASCADE;
ALTER TABLE `identity_recovery_tokens` ADD CONSTRAINT `identity_recovery_tokens_nid_fk_idx` FOREIGN KEY (`nid`) REFERENCES `networks` (`id`) ON DELETE CASCADE ON UPDATE RESTRICT;
ALTER TABLE `identity_recovery_tokens` ADD CONSTRAINT `identity_recovery_tokens_selfservice_recovery_request_id_fkey` FOREIGN KEY (`selfservice_recovery_flow_id`) REFERENCES `selfservice_recovery_flows` (`id`) ON DELETE CASCADE;
ALTER TABLE `identity_registration_codes` ADD CONSTRAINT `identity_registration_codes_networks_id_fk` FOREIGN KEY (`nid`) REFERENCES `networks` (`id`) ON DELETE CASCADE ON UPDATE RESTRICT;
ALTER TABLE `identity_registration_codes` ADD CONSTRAINT `identity_registration_codes_selfservice_registration_flows_id_f` FOREIGN KEY (`selfservice_registration_flow_id`) REFERENCES `selfservice_registration_flows` (`id`) ON DELETE CASCADE;
ALTER TABLE `identity_verifiable_addresses` ADD CONSTRAINT `identity_verifiable_addresses_identity_id_fkey` FOREIGN KEY (`identity_id`) REFERENCES `identities` (`id`) ON DELETE CASCADE;
ALTER TABLE `identity_verifiable_addresses` ADD CONSTRAINT `identity_verifiable_addresses_nid_fk_idx` FOREIGN KEY (`nid`) REFERENCES `networks` (`id`) ON DELETE CASCADE ON UPDATE RESTRICT;
ALTER TABLE `identity_verification_codes` ADD CONSTRAINT `identity_verification_codes_identity_verifiable_addresses_id_fk` FOREIGN KEY (`identity_verifiable_address_id`) REFERENCES `identity_verifiable_addresses` (`id`) ON DELETE CASCADE;
ALTER TABLE `identity_verification_codes` ADD CONSTRAINT `identity_verification_codes_networks_id_fk` FOREIGN KEY (`nid`) REFERENCES `networks` (`id`) ON DELETE CASCADE ON UPDATE RESTRICT;
ALTER TABLE `identity_verification_codes` ADD CONSTRAINT `identity_verification_codes_selfservice_verification_flows_id_f` FOREIGN KEY (`selfservice_verification_flow_id`) REFERENCES `selfservice_verification_flows` (`id`) ON DELETE CASCADE;
ALTER TABLE `identity_verification_tokens` ADD CONSTRAINT `identity_verification_tokens_identity_verifiable_address_i_fkey` FOREIGN KEY (`identity_verifiable_address_id`) REFERENCES `identity_verifiable_addresses` (`id`) ON DELETE CASCADE;
ALTER TABLE `identity_verification_tokens` ADD CONSTRAINT `identity_verification_tokens_nid_fk_idx` FOREIGN KEY (`nid`) REFERENCES `networks` (`id`) ON DELETE CASCADE ON UPDATE RESTRICT;
ALTER TABLE `identity_verification_tokens` ADD CONSTRAINT `identity_verification_tokens_selfservice_verification_flow_fkey` FOREIGN KEY (`selfservice_verification_flow_id`) REFERENCES `selfservice_verification_flows` (`id`) ON DELETE CASCADE;
ALTER TABLE `selfservice_errors` ADD CONSTRAINT `selfservice_errors_nid_fk_idx` FOREIGN KEY (`nid`) REFERENCES `networks` (`id`) ON DELETE CASCADE ON UPDATE RESTRICT;
ALTER TABLE `selfservice_login_flows` ADD CONSTRAINT `selfservice_login_flows_nid_fk_idx` FOREIGN KEY (`nid`) REFERENCES `networks` (`id`) ON DELETE CASCADE ON UPDATE RESTRICT;
ALTER TABLE `selfservice_settings_flows` ADD CONSTRAINT `selfservice_profile_management_requests_identity_id_fkey` FOREIGN KEY (`identity_id`) REFERENCES `identities` (`id`) ON DELETE CASCADE;
ALTER TABLE `selfservice_recovery_flows` ADD CONSTRAINT `selfservice_recovery_flows_nid_fk_idx` FOREIGN KEY (`nid`) REFERENCES `networks` (`id`) ON DELETE CASCADE ON UPDATE RESTRICT;
ALTER TABLE `selfservice_recovery_flows` ADD CONSTRAINT `selfservice_recovery_requests_recovered_identity_id_fkey` FOREIGN KEY (`recovered_identity_id`) REFERENCES `identities` (`id`) ON DELETE CASCADE;
ALTER TABLE `selfservice_registration_flows` ADD CONSTRAINT `selfservice_registration_flows_nid_fk_idx` FOREIGN KEY (`nid`) REFERENCES `networks` (`id`) ON DELETE CASCADE ON UPDATE RESTRICT;
ALTER TABLE `selfservice_settings_flows` ADD CONSTRAINT `selfservice_settings_flows_nid_fk_idx` FOREIGN KEY (`nid`) REFERENCES `networks` (`id`) ON DELETE CASCADE ON UPDATE RESTRICT;
ALTER TABLE `selfservice_verification_flows` ADD CONSTRAINT `selfservice_verification_flows_nid_fk_idx` FOREIGN KEY (`nid`) REFERENCES `networks` (`id`) ON DELETE CASCADE ON UPDATE RESTRICT;
ALTER TABLE `session_devices` ADD CONSTRAINT `session_metadata_nid_fk` FOREIGN KEY (`nid`) REFERENCES `networks` (`id`) ON DELETE CASCADE;
ALTER TABLE `session_devices` ADD CONSTRAINT `session_metadata_sessions_id_fk` FOREIGN KEY (`session_id`) REFERENCES `sessions` (`id`) ON DELETE CASCADE;
ALTER TABLE `sessions` ADD CONSTRAINT `sessions_identity_id_fkey` FOREIGN KEY (`identity_id`) REFERENCES `identities` (`id`) ON DELETE CASCADE;
ALTER TABLE `sessions` ADD CONSTRAINT `sessions_nid_fk_idx` FOREIGN KEY (`nid`) REFERENCES `networks` (`id`) ON DELETE CASCADE ON UPDATE RESTRICT;
