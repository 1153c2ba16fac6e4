-- jwtauth's own token tables (issue 11; README "Logout and revocation",
-- "Revocation on password change").  A Django sharing the database never
-- reads them; their foreign keys delete with the user (ON DELETE CASCADE),
-- whoever deletes it.  Timestamps are UTC.

-- Refresh-token families: every refresh token jwtauth issues (login,
-- register, rotation) has a row.  family is the jti of the family's first
-- token (the login's); a rotation sets rotated_at and replaced_by (the
-- successor's jti) on the token it consumed, once: reuse of a rotated-out
-- token after the grace window blacklists every token of its family.
CREATE TABLE IF NOT EXISTS jwtauth_refresh_token (
  jti varchar(255) NOT NULL,
  family varchar(255) NOT NULL,
  user_id bigint(20) DEFAULT NULL,
  replaced_by varchar(255) DEFAULT NULL,
  rotated_at datetime(6) DEFAULT NULL,
  expires_at datetime(6) NOT NULL,
  PRIMARY KEY (jti),
  KEY jwtauth_refresh_token_family (family),
  KEY jwtauth_refresh_token_expires_at (expires_at),
  KEY jwtauth_refresh_token_user_id (user_id),
  CONSTRAINT jwtauth_refresh_token_user_id_fk
    FOREIGN KEY (user_id) REFERENCES accounts_user (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- Revocation on password change: tokens of user_id whose iat is at or
-- before revoked_at (Unix seconds, the web host's clock, floored) are
-- refused, except those whose iat is kept_iat: the session that changed
-- its own password stays logged in (Django's update_session_auth_hash).
-- Set by a password change, a reset, an admin's set-password and an
-- admin's deactivation (kept_iat NULL for all but the first); read with the
-- user on every request.
CREATE TABLE IF NOT EXISTS jwtauth_user_revocation (
  user_id bigint(20) NOT NULL,
  revoked_at bigint(20) NOT NULL,
  kept_iat bigint(20) DEFAULT NULL,
  PRIMARY KEY (user_id),
  CONSTRAINT jwtauth_user_revocation_user_id_fk
    FOREIGN KEY (user_id) REFERENCES accounts_user (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
