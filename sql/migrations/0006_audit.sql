-- The audit log (README, Security: Audit log): one row per security event,
-- written by the endpoints (lib/app.c after the handler) and by
-- jwtauth-admin's verbs that change users.  Never a password or a token.
--   created_at  the web host's clock at the request (UTC)
--   event       register, login, refresh, password_change, reset_mail, ...
--   user_id     who acted: the authenticated user, or the user the request
--               named (login's e-mail, reset's uid); NULL when none or the
--               command line.  No foreign key: rows outlive deleted users.
--   target_id   the user acted on when it is another (the admin API and
--               jwtauth-admin), else NULL
--   client      the client's address (REMOTE_ADDR, or X-Forwarded-For behind
--               trusted_proxies); "cli" for jwtauth-admin
--   user_agent  the User-Agent, cut to [audit] user_agent_length characters
--   outcome     ok, failed, throttled or error
-- The indexes serve jwtauth-admin audit's filters (user, event, time) and
-- its --prune (created_at).
CREATE TABLE IF NOT EXISTS jwtauth_audit (
  id bigint(20) NOT NULL AUTO_INCREMENT,
  created_at datetime(6) NOT NULL,
  event varchar(32) NOT NULL,
  user_id bigint(20) DEFAULT NULL,
  target_id bigint(20) DEFAULT NULL,
  client varchar(45) NOT NULL,
  user_agent varchar(255) NOT NULL,
  outcome varchar(16) NOT NULL,
  PRIMARY KEY (id),
  KEY jwtauth_audit_created_at (created_at),
  KEY jwtauth_audit_user (user_id, created_at),
  KEY jwtauth_audit_target (target_id, created_at),
  KEY jwtauth_audit_event (event, created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
