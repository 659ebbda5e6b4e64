-- Refresh tokens the operator has configured (hub.partners.zalo.initial-refresh-token), by SHA-256. When Zalo
-- refuses the stored refresh token (-14020: used, revoked, or the OA re-authorised), the hub tries the configured
-- one if it has never been seeded before: pasting a new token from the Zalo console and restarting recovers the
-- channel, while a stale one left in another instance's environment is never sent again.
CREATE TABLE zalo_seeded_refresh_token (
    token_sha256  CHAR(64)     PRIMARY KEY,
    seeded_at     TIMESTAMPTZ  NOT NULL DEFAULT now()
);
