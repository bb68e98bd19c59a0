-- time_bucket as TimescaleDB 2.x computes it: examples from its documentation and edge cases.
-- (pg_regress runs in PST8PDT: timestamptz buckets are computed at UTC unless a zone is given.)
SET timezone = 'UTC';
SELECT time_bucket('5 minutes', timestamptz '2020-01-01 12:07:00') AS five_min,
       time_bucket('1 hour', timestamptz '2020-01-01 12:59:59.999999') AS hour,
       time_bucket('1 day', timestamptz '1999-12-31 23:00') AS before_2000;
-- Weekly buckets start on Mondays (origin 2000-01-03); an origin moves them.
SELECT time_bucket('1 week', timestamptz '2024-01-10 12:07') AS monday,
       time_bucket('1 week', timestamptz '2024-01-10 12:07', timestamptz '2000-01-02') AS sunday,
       time_bucket('2 weeks', date '2020-04-24') AS two_weeks;
-- Months count from January 2000; only whole months.
SELECT time_bucket('1 month', date '2020-02-15') AS month,
       time_bucket('3 months', timestamp '2020-05-31 23:00') AS quarter,
       time_bucket('1 year', timestamptz '2021-06-01') AS year;
-- Offsets shift bucket starts; a time zone buckets local time there.
SELECT time_bucket('1 hour', timestamptz '2024-01-01 10:05', '10 minutes'::interval) AS offset_before,
       time_bucket('1 hour', timestamptz '2024-01-01 10:30', '10 minutes'::interval) AS offset_after,
       time_bucket('1 day', timestamptz '2024-03-10 12:00', 'America/New_York') AS ny_day,
       time_bucket('1 day', timestamptz '2024-03-11 12:00', 'America/New_York') AS ny_after_dst;
SELECT time_bucket('1 day', timestamptz '2024-03-10 12:00', 'Europe/Berlin', timestamptz '2000-01-01 06:00') AS zone_origin,
       time_bucket('1 day', timestamptz '2024-03-10 12:00', 'Europe/Berlin', NULL, '2 hours') AS zone_offset,
       time_bucket('1 day', NULL::timestamptz, 'UTC') AS null_time;
-- Integers, and infinities pass through.
SELECT time_bucket(10, 23) AS a, time_bucket(10, -3) AS b, time_bucket(10, 23, 5) AS c,
       time_bucket(5::smallint, 7::smallint) AS d, time_bucket(1000::bigint, -1::bigint) AS e;
SELECT time_bucket('1 hour', 'infinity'::timestamptz) AS inf, time_bucket('1 day', '-infinity'::date) AS neg_inf;
-- Errors say what is wrong.
SELECT time_bucket('0 minutes', timestamptz '2024-01-01');
SELECT time_bucket('1 month 2 days', timestamptz '2024-01-01');
SELECT time_bucket('12 hours', date '2024-01-01');
SELECT time_bucket(0, 5);
SELECT time_bucket(10::smallint, (-32768)::smallint);
-- The same as date_trunc where both apply (UTC).
SELECT count(*) AS mismatches
FROM generate_series(timestamptz '2023-12-25', timestamptz '2024-01-15', interval '37 minutes') t
WHERE time_bucket('1 hour', t) <> date_trunc('hour', t) OR time_bucket('1 day', t) <> date_trunc('day', t)
   OR time_bucket('1 week', t) <> date_trunc('week', t) OR time_bucket('1 month', t) <> date_trunc('month', t);
RESET timezone;
