-- accounts_user exactly as the original's Django migration creates it on
-- MariaDB (accounts.User, DEFAULT_AUTO_FIELD = BigAutoField), so jwtauth and
-- the original can use the same database.  Timestamps are UTC.
CREATE TABLE IF NOT EXISTS accounts_user (
  id bigint(20) NOT NULL AUTO_INCREMENT,
  password varchar(128) NOT NULL,
  last_login datetime(6) DEFAULT NULL,
  email varchar(255) NOT NULL,
  name varchar(200) NOT NULL,
  tc tinyint(1) NOT NULL,
  is_active tinyint(1) NOT NULL,
  is_admin tinyint(1) NOT NULL,
  created_at datetime(6) NOT NULL,
  updated_at datetime(6) NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY email (email)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
