-- simplejwt's token_blacklist app (djangorestframework-simplejwt 5.2.2,
-- migrations 0001 to 0012) as Django creates its two tables on MariaDB:
-- the same columns, keys and constraint names, so that a Django with
-- "rest_framework_simplejwt.token_blacklist" in INSTALLED_APPS shares them
-- (`manage.py migrate token_blacklist --fake` records its migrations as
-- done; README "Logout and revocation").  One difference: Django emulates
-- the models' on_delete (SET_NULL for the user, CASCADE for the token) in
-- Python and gives the foreign keys no ON DELETE action; here the database
-- does it too, so that deleting a user outside Django (the original
-- service, which lacks the app; jwtauth-admin; plain SQL) is not refused.
-- Django with the app installed is indifferent to it.  jwtauth itself
-- clears the referencing rows first, as Django does, so that tables made
-- by Django's own migrations work as well.  Timestamps are UTC.
CREATE TABLE IF NOT EXISTS token_blacklist_outstandingtoken (
  id bigint(20) NOT NULL AUTO_INCREMENT,
  token longtext NOT NULL,
  created_at datetime(6) DEFAULT NULL,
  expires_at datetime(6) NOT NULL,
  user_id bigint(20) DEFAULT NULL,
  jti varchar(255) NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY token_blacklist_outstandingtoken_jti_hex_d9bdf6f7_uniq (jti),
  KEY token_blacklist_outs_user_id_83bc629a_fk_accounts_ (user_id),
  CONSTRAINT token_blacklist_outs_user_id_83bc629a_fk_accounts_
    FOREIGN KEY (user_id) REFERENCES accounts_user (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE IF NOT EXISTS token_blacklist_blacklistedtoken (
  id bigint(20) NOT NULL AUTO_INCREMENT,
  blacklisted_at datetime(6) NOT NULL,
  token_id bigint(20) NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY token_id (token_id),
  CONSTRAINT token_blacklist_blacklistedtoken_token_id_3cc7fe56_fk
    FOREIGN KEY (token_id) REFERENCES token_blacklist_outstandingtoken (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
