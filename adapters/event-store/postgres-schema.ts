/**
 * Appends run as one call to `trunkline_append`, one round trip and one implicit transaction.
 * It takes a transaction-scoped advisory lock first, so appends commit one at a time and a
 * position is never visible before every lower one: a reader polling "position > last seen"
 * cannot skip a row that commits late (the identity-column trap with concurrent writers).
 * Custom SQLSTATEs carry the outcomes the adapter maps to typed errors.
 */
export const APPEND_LOCK_KEY = 7_146_213_001;

export const POSTGRES_EVENT_SCHEMA = `
CREATE TABLE IF NOT EXISTS trunkline_events (
  position       bigint      PRIMARY KEY,
  id             uuid        NOT NULL UNIQUE,
  stream         text        NOT NULL,
  version        integer     NOT NULL,
  type           text        NOT NULL,
  schema_version integer     NOT NULL,
  data           json        NOT NULL,
  metadata       json        NOT NULL,
  recorded_at    timestamptz NOT NULL,
  UNIQUE (stream, version)
);

CREATE OR REPLACE FUNCTION trunkline_append(
  p_stream text, p_expected text, p_ids uuid[], p_types text[], p_schema integer[],
  p_data text[], p_meta text[], p_recorded_at timestamptz
) RETURNS TABLE (next_version integer, last_position bigint, deduplicated boolean)
LANGUAGE plpgsql AS $fn$
DECLARE
  n integer := cardinality(p_ids);
  found integer;
  other_stream text;
  missing uuid;
  current_version integer;
  head bigint;
BEGIN
  PERFORM pg_advisory_xact_lock(${APPEND_LOCK_KEY});
  -- a join on unnest, not "id = ANY (p_ids)": plpgsql caches a generic plan, and for ANY over
  -- an array of unknown length that plan can be a sequential scan of the whole log
  SELECT count(*) INTO found FROM unnest(p_ids) AS x(id) JOIN trunkline_events e ON e.id = x.id;
  IF found > 0 THEN
    SELECT e.stream INTO other_stream FROM unnest(p_ids) AS x(id) JOIN trunkline_events e ON e.id = x.id
      WHERE e.stream <> p_stream LIMIT 1;
    IF other_stream IS NOT NULL THEN
      RAISE EXCEPTION 'stored in another stream' USING ERRCODE = 'TL002', DETAIL = other_stream;
    END IF;
    IF found < n THEN
      SELECT i INTO missing FROM unnest(p_ids) i WHERE NOT EXISTS (SELECT 1 FROM trunkline_events e WHERE e.id = i) LIMIT 1;
      RAISE EXCEPTION 'partly stored batch' USING ERRCODE = 'TL001', DETAIL = missing::text;
    END IF;
    RETURN QUERY SELECT e.version, e.position, true FROM trunkline_events e WHERE e.id = p_ids[n];
    RETURN;
  END IF;
  SELECT max(e.version) INTO current_version FROM trunkline_events e WHERE e.stream = p_stream;
  IF (p_expected = 'no-stream' AND current_version IS NOT NULL)
     OR (p_expected = 'exists' AND current_version IS NULL)
     OR (p_expected ~ '^[0-9]+$' AND current_version IS DISTINCT FROM p_expected::integer) THEN
    RAISE EXCEPTION 'wrong expected version' USING ERRCODE = 'TL003', DETAIL = coalesce(current_version::text, '');
  END IF;
  SELECT coalesce(max(e.position), 0) INTO head FROM trunkline_events e;
  INSERT INTO trunkline_events (position, id, stream, version, type, schema_version, data, metadata, recorded_at)
  SELECT head + u.i, u.id, p_stream, coalesce(current_version, -1) + u.i::integer, u.type, u.schema_version,
         u.data::json, u.meta::json, p_recorded_at
  -- unnest walks the arrays once; p_data[i] would rescan a varlena array per row (quadratic)
  FROM unnest(p_ids, p_types, p_schema, p_data, p_meta) WITH ORDINALITY AS u(id, type, schema_version, data, meta, i);
  PERFORM pg_notify('trunkline_events', (head + n)::text);
  RETURN QUERY SELECT coalesce(current_version, -1) + n, head + n, false;
END
$fn$;
`;
