-- A dossier's row is changed at every status the portal is sent; room left on the page lets each change stay on it
-- without a new index entry (a HOT update: the key, the only indexed column, never changes). Applies to pages
-- written from now on.
ALTER TABLE portal_sync SET (fillfactor = 70);
