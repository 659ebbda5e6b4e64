-- Citizen satisfaction: one rating invitation per returned dossier, and at most one rating per dossier.

CREATE TABLE rating_invitation (
    dossier_code   VARCHAR(64)  PRIMARY KEY,            -- once per dossier
    token          VARCHAR(64)  NOT NULL UNIQUE,        -- the rating page's one-time token (/rate/<token>)
    trigger_type   VARCHAR(40)  NOT NULL,               -- RESULT_RETURNED, or RESULT_DELIVERED for postal returns
    partner        VARCHAR(40)  NOT NULL,               -- who sends the invitation (zalo, with its SMS fallback)
    procedure_code VARCHAR(64),
    procedure_name VARCHAR(300),
    agency_code    VARCHAR(64),
    agency_name    VARCHAR(300),
    returned_at    TIMESTAMPTZ  NOT NULL,               -- when the citizen got the result (the month it counts in)
    due_at         TIMESTAMPTZ  NOT NULL,               -- not before: the configured delay, outside quiet hours
    expires_at     TIMESTAMPTZ  NOT NULL,               -- the page's token is refused after this
    status         VARCHAR(20)  NOT NULL DEFAULT 'PLANNED', -- PLANNED, QUEUED (handed to the partner's queue)
    queued_at      TIMESTAMPTZ,
    token_used_at  TIMESTAMPTZ,
    created_at     TIMESTAMPTZ  NOT NULL DEFAULT now()
);
CREATE INDEX rating_invitation_due ON rating_invitation (due_at) WHERE status = 'PLANNED';
CREATE INDEX rating_invitation_returned ON rating_invitation (returned_at);

CREATE TABLE citizen_rating (
    dossier_code   VARCHAR(64)  PRIMARY KEY REFERENCES rating_invitation (dossier_code), -- the first rating counts
    stars          SMALLINT     NOT NULL CHECK (stars BETWEEN 1 AND 5),
    reasons        TEXT[]       NOT NULL DEFAULT '{}',
    comment_masked VARCHAR(1200),                        -- personal data masked: the raw comment is kept nowhere
    channel        VARCHAR(10)  NOT NULL,                -- ZALO (ZNS rating) or WEB (the rating page)
    source_ref     VARCHAR(160),                         -- ZNS msg_id, or the page
    submitted_at   TIMESTAMPTZ  NOT NULL,
    recorded_at    TIMESTAMPTZ  NOT NULL DEFAULT now()
);
CREATE INDEX citizen_rating_low ON citizen_rating (submitted_at) WHERE stars <= 2;
