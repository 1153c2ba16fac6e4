-- The throttles' counters (lib/throttle.c): one row per limited thing and
-- the key it is counted by, shared by every web host on this database.
--   scope       which limit: login_account, login_client, reset_email,
--               reset_email_daily, reset_client, register_client
--   ident       what is counted: the client's address (an IPv6 client by
--               its /64), an HMAC-SHA256 (hex) of an e-mail address as the
--               database compares it, or "user:<id>"; never a raw address
--   hits        events counted in the window (capped at the limit + 1)
--   window_end  when the window ends: milliseconds since the epoch, by the
--               web hosts' clock; a row past it counts nothing and may go
CREATE TABLE IF NOT EXISTS jwtauth_throttle (
  scope varchar(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  ident varchar(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  hits int(10) unsigned NOT NULL,
  window_end bigint(20) NOT NULL,
  PRIMARY KEY (scope, ident),
  KEY jwtauth_throttle_window_end (window_end)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
