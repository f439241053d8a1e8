"""The scale seed's SQL, one function per table (or group of tables): set-based INSERT … SELECT from the
per-claim plan in the temp table `bench_plan`, COPY for the small lookup tables."""

from __future__ import annotations

import datetime as dt
import json
import random

from .vocabulary import (
    ADDRESSES_PER_POSTCODE,
    CALLS,
    CLAIM_TEXTS,
    DAMAGE_KINDS,
    DESCRIPTIONS,
    EXPERT_NOTES,
    FIRST_NAMES,
    HISTORY_DAYS,
    HOLD_FROM,
    LOCATIONS,
    MESSAGES,
    NOTES,
    OPEN_FAMILY,
    STATES,
    SURNAMES,
    TEAMS,
    coprime_step,
    path_rows,
    postcode_rows,
)


def copy_rows(cursor, table: str, columns: tuple[str, ...], rows) -> None:
    with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)




def seed_staff(cur, users, team_guides, now, password_hash) -> None:
    copy_rows(cur, "auth_user", ("id", "password", "is_superuser", "username", "first_name", "last_name",
                                 "email", "is_staff", "is_active", "date_joined"),
              [(uid, password_hash, False, username, first, last, f"{username}@i3ml.example", False, True,
                now - dt.timedelta(days=HISTORY_DAYS + 30)) for uid, username, first, last, _ in users])
    cur.execute("CREATE TEMP TABLE bench_roles (user_id int, role text) ON COMMIT DROP")
    copy_rows(cur, "bench_roles", ("user_id", "role"), [(uid, role) for uid, _, _, _, role in users])
    cur.execute("""
        INSERT INTO auth_user_groups (user_id, group_id)
        SELECT r.user_id, g.id FROM bench_roles r JOIN auth_group g ON g.name = r.role
    """)
    cur.execute("SELECT count(*) FROM bench_roles r LEFT JOIN auth_group g ON g.name = r.role WHERE g.id IS NULL")
    if cur.fetchone()[0]:
        raise SystemExit("The role groups are missing: run manage.py migrate first.")
    copy_rows(cur, "claims_staffprofile", ("user_id", "phone", "conflict_declaration", "declaration_updated_on"),
              [(uid, f"045 {5000000 + uid:07d}"[:30],
                "Geen nevenfuncties. Geen banden met de mijnbouw." if role == "expert" else "",
                now.date() - dt.timedelta(days=90) if role == "expert" else None)
               for uid, _, _, _, role in users])
    for n, (team, ids) in enumerate(team_guides.items(), start=1):
        cur.execute("INSERT INTO claims_team (id, name, municipalities) VALUES (%s, %s, %s::jsonb)",
                    [n, team, json_list(TEAMS[team])])
        cur.execute("INSERT INTO claims_team_members (team_id, user_id) SELECT %s, unnest(%s::int[])", [n, ids])


def json_list(values) -> str:
    return json.dumps(list(values))


def seed_persons(cur, persons: int, now) -> None:
    # Earlier surnames come up more often (power-law draw), so a search on "Janssen" finds thousands.
    cur.execute("""
        INSERT INTO claims_person (id, name, email, phone, postal_address, preferred_channel, digital_consent_at,
                                   language, created_at, user_id, email_verified_at, privacy_accepted_at)
        SELECT g, full_name,
               CASE WHEN r_mail < 0.65 THEN lower(translate(first, 'ëéèöüÖ ', 'eeeouO'))
                    || '.' || lower(translate(last, 'ëéèöüÖ ', 'eeeouO')) || g || '@example.nl' ELSE '' END,
               CASE WHEN r_phone < 0.8 THEN '06 ' || lpad((g * 7919 %% 100000000)::text, 8, '0') ELSE '' END,
               '',
               CASE WHEN r_mail < 0.35 THEN 'digital' ELSE 'paper' END,
               CASE WHEN r_mail < 0.35 THEN created END,
               CASE WHEN r_lang < 0.97 THEN 'nl' ELSE 'en' END,
               created, NULL,
               CASE WHEN r_mail < 0.65 THEN created END,
               CASE WHEN r_mail < 0.65 THEN created END
        FROM (
            SELECT g, first, last, r_mail, r_phone, r_lang, created,
                   CASE WHEN r_init < 0.25 THEN left(first, 1) || '. ' || last ELSE first || ' ' || last END
                       AS full_name
            FROM (
                SELECT g,
                       (%(first)s::text[])[1 + floor(random() * %(n_first)s)::int] AS first,
                       (%(last)s::text[])[1 + floor(power(random(), 1.5) * %(n_last)s)::int] AS last,
                       random() AS r_init, random() AS r_mail, random() AS r_phone, random() AS r_lang,
                       %(now)s - make_interval(days => %(days)s) * random() AS created
                FROM generate_series(1, %(n)s) g
            ) draws
        ) people
    """, {"first": list(FIRST_NAMES), "n_first": len(FIRST_NAMES), "last": list(SURNAMES),
          "n_last": len(SURNAMES), "now": now, "days": HISTORY_DAYS + 30, "n": persons})


def seed_properties(cur, properties: int, rng: random.Random) -> None:
    cur.execute("CREATE TEMP TABLE bench_pc (idx int PRIMARY KEY, postcode text, street text, town text, "
                "municipality text, gemeentecode text) ON COMMIT DROP")
    copy_rows(cur, "bench_pc", ("idx", "postcode", "street", "town", "municipality", "gemeentecode"),
              postcode_rows(properties, rng))
    # Ten postcodes make a street: per postcode one side (odd or even) of a stretch of 40 numbers.
    cur.execute("""
        INSERT INTO claims_property (id, postcode, house_number, house_number_addition, street, town, municipality,
                                     in_mining_area, bag_id, build_year, is_monument)
        SELECT g + 1, pc.postcode,
               1 + (pc.idx %% 2) + 40 * ((pc.idx %% 10) / 2) + 2 * (g %% %(per)s),
               '', pc.street, pc.town, pc.municipality, true,
               pc.gemeentecode || '01' || lpad((g + 1)::text, 10, '0'),
               CASE WHEN random() < 0.9 THEN 1890 + floor(random() * 125)::int END,
               random() < 0.01
        FROM generate_series(0, %(n)s - 1) g
        JOIN bench_pc pc ON pc.idx = g / %(per)s
    """, {"per": ADDRESSES_PER_POSTCODE, "n": properties})


def seed_plan(cur, n_claims, properties, persons, users, team_guides, now, today, items_per_claim) -> None:
    """One temp row per claim with every draw and derived moment; the tables are filled from it."""
    cur.execute("CREATE TEMP TABLE bench_states (status text PRIMARY KEY, lo float8, hi float8, dlo float8, "
                "dhi float8, family text) ON COMMIT DROP")
    family = {s: ("open" if s in OPEN_FAMILY else "draft" if s == "draft" else
                  "withdrawn" if s == "withdrawn" else "decision") for s, *_ in STATES}
    copy_rows(cur, "bench_states", ("status", "lo", "hi", "dlo", "dhi", "family"),
              [(s, lo, hi, dlo, dhi, family[s]) for s, _, lo, hi, dlo, dhi in STATES])
    cuts, acc = [], 0
    for _, share, *_ in STATES:
        cuts.append(acc / 1000)
        acc += share
    cur.execute("CREATE TEMP TABLE bench_guides (municipality text PRIMARY KEY, ids int[]) ON COMMIT DROP")
    copy_rows(cur, "bench_guides", ("municipality", "ids"),
              [(m, team_guides[team]) for team, ms in TEAMS.items() for m in ms])
    ids_of = {role: [u[0] for u in users if u[4] == role] for role in ("expert", "desk", "commission",
                                                                      "decision_maker")}
    params = {
        "n": n_claims, "n_props": properties, "n_persons": persons, "now": now, "today": today,
        "states": [s[0] for s in STATES], "cuts": cuts, "hold_from": list(HOLD_FROM),
        "p_step": coprime_step(properties, 1_000_003), "q_step": coprime_step(persons, 700_001),
        "experts": ids_of["expert"], "desk": ids_of["desk"], "commission": ids_of["commission"],
        "deciders": ids_of["decision_maker"], "decision_days": 56, "extension_days": 56, "reply_days": 28,
        "response_days": 14,
    }
    cur.execute("""
        CREATE TEMP TABLE bench_plan ON COMMIT DROP AS
        WITH draws AS (
            SELECT g AS draw,
                   (%(states)s::text[])[width_bucket(random(), %(cuts)s::float8[])] AS status,
                   CASE WHEN g <= %(n_props)s THEN ((g - 1)::bigint * %(p_step)s %% %(n_props)s) + 1
                        ELSE 1 + floor(random() * %(n_props)s)::bigint END AS property_id,
                   random() AS a, random() AS b, random() AS c, random() AS e, random() AS f, random() AS h,
                   random() AS k, random() AS m, random() AS u, random() AS w
            FROM generate_series(1, %(n)s) g
        ), anchored AS (
            SELECT d.*, s.family, p.municipality,
                   ((d.property_id - 1) * %(q_step)s %% %(n_persons)s) + 1 AS applicant_id,
                   %(now)s - make_interval(secs => (s.lo + d.a * (s.hi - s.lo)) * 86400) AS anchor,
                   make_interval(secs => (s.dlo + d.b * (s.dhi - s.dlo)) * 86400) AS handling,
                   gd.ids AS guide_ids
            FROM draws d
            JOIN bench_states s USING (status)
            JOIN claims_property p ON p.id = d.property_id
            JOIN bench_guides gd ON gd.municipality = p.municipality
        ), timed AS (
            SELECT x.*,
                   CASE family WHEN 'draft' THEN NULL WHEN 'open' THEN anchor ELSE anchor - handling END AS sub,
                   CASE WHEN family = 'decision' THEN anchor END AS decided_at,
                   CASE status WHEN 'withdrawn' THEN anchor
                               WHEN 'closed' THEN anchor + (%(now)s - anchor) * (0.1 * c) END AS closed_at,
                   CASE WHEN status = 'on_hold' THEN (%(hold_from)s::text[])[1 + floor(e * 4)::int] ELSE '' END
                       AS held_from,
                   CASE WHEN w < 0.70 THEN 'online' WHEN w < 0.85 THEN 'desk' WHEN w < 0.90 THEN 'phone'
                        ELSE 'post' END AS channel,
                   guide_ids[1 + floor(k * array_length(guide_ids, 1))::int] AS guide_id,
                   500 + round((power(u, 2) * 60000)::numeric, -1) AS claimed
            FROM anchored x
        ), shaped AS (
            SELECT t.*,
                   (sub AT TIME ZONE 'Europe/Amsterdam')::date AS sub_date,
                   COALESCE(sub, anchor) - make_interval(secs => e * 2 * 86400) AS created_at,
                   CASE
                       WHEN status IN ('info_requested', 'on_hold')
                           THEN GREATEST(sub + interval '1 day',
                                         %(now)s - make_interval(days => 1 + floor(f * 25)::int))
                       WHEN status = 'objection' THEN decided_at + (%(now)s - decided_at) * (0.2 + 0.6 * c)
                       WHEN status = 'settlement' THEN decided_at + (%(now)s - decided_at) * (0.3 * c)
                       WHEN family = 'open' THEN sub + (%(now)s - sub) * (0.3 + 0.7 * c)
                       WHEN status = 'closed' THEN closed_at
                       ELSE anchor
                   END AS last_at,
                   status IN ('info_requested', 'on_hold') AS suspended_now,
                   -- a past suspension (an answered info request) on a quarter of the claims that had time for it
                   h < 0.25 AND status NOT IN ('draft', 'submitted', 'withdrawn', 'info_requested', 'on_hold')
                       AND family <> 'draft' AND (%(today)s - (sub AT TIME ZONE 'Europe/Amsterdam')::date) > 45
                       AS past_suspension,
                   7 + floor(m * 21)::int AS past_days,
                   m < 0.08 AND status NOT IN ('draft', 'submitted', 'intake', 'info_requested', 'withdrawn',
                                               'not_admissible') AS extended,
                   status <> 'draft' AND f < 0.02 AS urgent,
                   status <> 'draft' AND h > 0.97 AS priority,
                   CASE WHEN family = 'decision' AND status <> 'not_admissible' THEN
                       CASE WHEN status = 'settlement' THEN CASE WHEN u < 0.6 THEN 'granted' ELSE 'partly_granted' END
                            WHEN b < 0.40 THEN 'granted' WHEN b < 0.70 THEN 'partly_granted' ELSE 'rejected' END
                        WHEN status = 'not_admissible' THEN 'not_admissible' ELSE '' END AS outcome
            FROM timed t
        )
        SELECT sh.*,
               -- claim ids grow with time, as in a real table (and so do the rows' places on disk)
               row_number() OVER (ORDER BY created_at, draw) AS id,
               CASE WHEN status IN ('info_requested', 'on_hold') THEN (last_at AT TIME ZONE 'Europe/Amsterdam')::date
                    END AS suspended_on,
               3 + floor(k * 10)::int AS past_offset,
               CASE outcome WHEN 'granted' THEN round(claimed * (0.8 + 0.2 * c)::numeric, 2)
                            WHEN 'partly_granted' THEN round(claimed * (0.2 + 0.5 * c)::numeric, 2)
                            ELSE 0 END AS awarded,
               CASE WHEN status IN ('inspection', 'advice_draft', 'response_period', 'commission_review',
                                    'decision_pending', 'decided', 'objection', 'settlement', 'closed')
                         OR (status = 'on_hold' AND held_from <> 'intake')
                    THEN (%(experts)s::int[])[1 + floor(w * 1000)::int %% array_length(%(experts)s::int[], 1)] END
                   AS expert_id,
               CASE WHEN channel = 'desk' THEN (%(desk)s::int[])[1 + floor(u * 1000)::int %% 4] END AS filed_by,
               (%(commission)s::int[])[1 + floor(e * 3)::int] AS commission_id,
               (%(deciders)s::int[])[1 + floor(f * 2)::int] AS decider_id
        FROM shaped sh
    """, params)
    cur.execute("""
        ALTER TABLE bench_plan ADD COLUMN paid numeric, ADD COLUMN decision_due date, ADD COLUMN reply_due date,
                               ADD COLUMN path_key text, ADD COLUMN n_items int
    """)
    # Atw: a term that ends on a weekend day or a holiday ends on the next working day (claims.termijnen).
    cur.execute("""
        CREATE TEMP TABLE bench_roll ON COMMIT DROP AS
        SELECT day, min(day) FILTER (WHERE working) OVER (ORDER BY day DESC) AS rolled
        FROM (SELECT d::date AS day,
                     extract(isodow FROM d) < 6 AND d::date NOT IN (SELECT date FROM claims_statutoryholiday)
                         AS working
              FROM generate_series(%(first)s::date, %(last)s::date, interval '1 day') d) days
    """, {"first": today - dt.timedelta(days=HISTORY_DAYS + 400), "last": today + dt.timedelta(days=800)})
    cur.execute("ALTER TABLE bench_roll ADD PRIMARY KEY (day)")
    cur.execute("CREATE OR REPLACE FUNCTION pg_temp.roll(d date) RETURNS date LANGUAGE sql STABLE "
                "AS 'SELECT rolled FROM bench_roll WHERE day = d'")
    cur.execute("""
        UPDATE bench_plan SET
            paid = CASE WHEN status = 'closed' THEN awarded
                        WHEN status = 'settlement' AND c < 0.5 THEN round(awarded / 2, 2) ELSE 0 END,
            -- claims.deadlines.decision_clock on the clock events made below: start + 8 weeks (+ 8 with an
            -- extension) + the days suspended (a closed suspension: the days strictly between request and
            -- answer; an open one: up to today), rolled forward
            decision_due = CASE WHEN sub IS NOT NULL THEN pg_temp.roll(
                sub_date + %(decision_days)s
                + CASE WHEN past_suspension THEN past_days - 1 ELSE 0 END
                + CASE WHEN extended THEN %(extension_days)s ELSE 0 END
                + CASE WHEN suspended_now THEN GREATEST(0, %(today)s - suspended_on) ELSE 0 END) END,
            reply_due = CASE WHEN status = 'info_requested' THEN pg_temp.roll(suspended_on + %(reply_days)s)
                             WHEN status = 'response_period'
                                 THEN pg_temp.roll((last_at AT TIME ZONE 'Europe/Amsterdam')::date
                                                   + %(response_days)s) END,
            path_key = CASE WHEN status = 'on_hold' THEN 'on_hold:' || held_from
                            WHEN status = 'closed' AND awarded > 0 THEN 'closed_award'
                            WHEN status = 'draft' THEN NULL ELSE status END,
            n_items = %(items_lo)s + floor((%(items_hi)s - %(items_lo)s + 1) * power(random(), %(items_skew)s))::int
    """, {**params, **items_spread(items_per_claim)})
    cur.execute("ALTER TABLE bench_plan ADD PRIMARY KEY (id)")


def seed_first_decisions(cur) -> None:
    """The first decision of each claim and the days its clock was suspended before it (seed_claims adds the
    calendar days from submission), as the lifecycle service
    stores them on the claim (claims.figures.suspended_days): from the transitions and clock events already
    loaded, into a temp table that seed_claims reads, so the claims are written once (an UPDATE afterwards would
    leave the table twice its size). Joins only: the indexes are dropped while loading."""
    cur.execute("""
        CREATE TEMP TABLE bench_first ON COMMIT DROP AS
        WITH decided AS (
            SELECT claim_id AS id, MIN(created_at) AS decided_at,
                   (MIN(created_at) AT TIME ZONE 'Europe/Amsterdam')::date AS end_day
            FROM claims_claimtransition WHERE to_state IN ('decided', 'not_admissible') GROUP BY claim_id
        ), suspensions AS (
            SELECT d.id, e.on_date,
                   LEAST(MIN(r.on_date), e.due_date + 1, d.end_day + 1) AS until
            FROM decided d
            JOIN claims_clockevent e ON e.claim_id = d.id AND e.kind = 'suspend'
                                        AND e.cause IN ('info_request', 'on_hold') AND e.on_date <= d.end_day
            LEFT JOIN claims_clockevent r ON r.claim_id = e.claim_id AND r.kind = 'resume'
                                             AND r.cause IN (e.cause, '') AND r.on_date >= e.on_date
            GROUP BY e.id, d.id, e.on_date, e.due_date, d.end_day
        )
        SELECT d.id, d.decided_at, COALESCE(SUM(GREATEST(0, s.until - s.on_date - 1)), 0)::int AS suspended
        FROM decided d LEFT JOIN suspensions s ON s.id = d.id
        GROUP BY d.id, d.decided_at
    """)
    cur.execute("ALTER TABLE bench_first ADD PRIMARY KEY (id)")


def seed_claims(cur) -> None:
    cur.execute("""
        INSERT INTO claims_claim (
            id, reference, channel, status, held_from, urgent, priority, priority_reason, description,
            created_at, updated_at, submitted_at, decided_at, closed_at, decision_due, clock_suspended, reply_due,
            objection_due, objection_decision_due, safety_visit_due, outcome, claimed_amount, awarded_amount,
            paid_amount, caseworker_id, expert_id, filed_by_id, applicant_id, property_id, in_owners_association,
            owner_occupied, report_step, first_decided_at, first_decision_days, first_decision_suspended_days)
        SELECT id,
               'MS-' || yr || '-' || lpad((row_number() OVER (PARTITION BY yr ORDER BY created_at, id))::text, 6, '0'),
               channel, status, held_from, urgent, priority,
               CASE WHEN priority THEN 'Kwetsbare bewoner: hoge leeftijd en slechte gezondheid.' ELSE '' END,
               (%(texts)s::text[])[1 + (id %% %(n_texts)s)::int],
               created_at, GREATEST(created_at, last_at), sub, decided_at,
               CASE WHEN status IN ('closed', 'withdrawn') THEN COALESCE(closed_at, last_at) END,
               decision_due, suspended_now, reply_due,
               CASE WHEN status IN ('decided', 'not_admissible', 'objection', 'settlement', 'closed')
                    THEN pg_temp.roll((decided_at AT TIME ZONE 'Europe/Amsterdam')::date + 42) END,
               CASE WHEN status = 'objection'
                    THEN pg_temp.roll(pg_temp.roll((decided_at AT TIME ZONE 'Europe/Amsterdam')::date + 42) + 84) END,
               CASE WHEN urgent THEN sub + interval '48 hours' END,
               outcome, claimed, awarded, paid,
               CASE WHEN status <> 'draft' THEN guide_id END,
               expert_id, filed_by, applicant_id, property_id, e > 0.95, e < 0.93,
               CASE WHEN status = 'draft'
                    THEN (ARRAY['woning', 'eigendom', 'schade', 'controle'])[1 + floor(u * 4)::int] ELSE '' END,
               first_decided_at,
               (first_decided_at AT TIME ZONE 'Europe/Amsterdam')::date - (sub AT TIME ZONE 'Europe/Amsterdam')::date,
               first_decision_suspended_days
        FROM (SELECT p.*, extract(year FROM p.created_at AT TIME ZONE 'Europe/Amsterdam')::int AS yr,
                     f.decided_at AS first_decided_at, f.suspended AS first_decision_suspended_days
              FROM bench_plan p LEFT JOIN bench_first f ON f.id = p.id) plan
        ORDER BY id
    """, {"texts": list(CLAIM_TEXTS), "n_texts": len(CLAIM_TEXTS)})


def items_spread(mean: int) -> dict[str, float]:
    """Damage items per claim: from a quarter of the mean up to twice it, skewed so that they average `mean`
    (Groningen: about 20 per address, a few with 40). n = lo + floor((hi - lo + 1) * u^skew), E[u^skew] = 1/(1+skew)."""
    if mean < 1:
        raise ValueError("items per claim must be at least 1")
    lo, hi = max(1, mean // 4), 2 * mean
    return {"items_lo": lo, "items_hi": hi, "items_skew": (hi - lo + 1) / (mean + 0.5 - lo) - 1}


# Claims whose home the expert has seen: their damage items carry findings and a repair cost.
INSPECTED = """status NOT IN ('draft', 'submitted', 'intake', 'info_requested', 'inspection', 'withdrawn',
                                 'not_admissible', 'on_hold')"""


ITEM_TEMPLATES = 8192  # distinct damage items to draw from: plenty of variety, no random() per row


def seed_item_templates(cur) -> None:
    """A temp table of made-up damage items, with the expert's findings and the award by verdict; each claim's
    items are picked from it by a hash of (claim, position), which is a quarter faster than drawing every
    column of 5 million rows."""
    cur.execute("""
        CREATE TEMP TABLE bench_item ON COMMIT DROP AS
        SELECT k, location, kind, description, back, measurements, verdict, cost, found, note,
               CASE verdict WHEN 'yes' THEN cost WHEN 'partly' THEN round(cost / 2, 2) ELSE 0 END AS award
        FROM (
            SELECT k,
                   (%(locations)s::text[])[1 + floor(random() * %(n_loc)s)::int] AS location,
                   (%(kinds)s::text[])[1 + floor(random() * %(n_kinds)s)::int] AS kind,
                   (%(descriptions)s::text[])[1 + floor(random() * %(n_desc)s)::int] AS description,
                   floor(random() * 200)::int AS back,
                   'breedte ' || (1 + floor(random() * 6))::int || ' mm, lengte '
                       || (20 + floor(random() * 180))::int || ' cm' AS measurements,
                   (ARRAY['yes', 'yes', 'partly', 'no'])[1 + floor(random() * 4)::int] AS verdict,
                   round((50 + power(random(), 2) * 12000)::numeric, 2) AS cost,
                   random() < 0.3 AS found,
                   (%(notes)s::text[])[1 + floor(random() * %(n_notes)s)::int] AS note
            FROM generate_series(0, %(n)s - 1) k
        ) drawn
    """, {"locations": list(LOCATIONS), "n_loc": len(LOCATIONS), "kinds": list(DAMAGE_KINDS),
          "n_kinds": len(DAMAGE_KINDS), "descriptions": list(DESCRIPTIONS), "n_desc": len(DESCRIPTIONS),
          "notes": list(EXPERT_NOTES), "n_notes": len(EXPERT_NOTES), "n": ITEM_TEMPLATES})
    cur.execute("ALTER TABLE bench_item ADD PRIMARY KEY (k)")


def seed_damage(cur, *, first_id: int, last_id: int) -> int:
    """The damage items of the claims first_id..last_id (in chunks, so the progress bar moves); returns the rows.
    Findings (verdict, measurements, cost, note) once the expert has been; the last one or two items of such a
    claim are sometimes ones the expert found; with a granted or partly granted decision an amount per item by
    the verdict (yes: the cost, partly: half, no: nothing)."""
    cur.execute(f"""
        INSERT INTO claims_damageitem (claim_id, position, location, kind, description, noticed_on, measurements,
                                       expert_verdict, repair_cost, awarded_amount, added_by_expert, expert_notes)
        SELECT p.id, n, t.location, t.kind, t.description, p.noticed_from - t.back,
               CASE WHEN p.inspected THEN t.measurements ELSE '' END,
               CASE WHEN p.inspected THEN t.verdict ELSE '' END,
               CASE WHEN p.inspected THEN t.cost END,
               CASE WHEN p.inspected AND p.awarded THEN t.award END,
               p.inspected AND n > p.n_items - 2 AND t.found,
               CASE WHEN p.inspected THEN t.note ELSE '' END
        FROM (SELECT id, n_items, {INSPECTED} AS inspected,
                     outcome IN ('granted', 'partly_granted') AS awarded,
                     (COALESCE(sub, created_at) AT TIME ZONE 'Europe/Amsterdam')::date AS noticed_from
              FROM bench_plan WHERE id BETWEEN %(first)s AND %(last)s) p
        CROSS JOIN LATERAL generate_series(1, p.n_items) n
        JOIN bench_item t ON t.k = (p.id * 7919 + n * 104729) %% %(n)s
    """, {"first": first_id, "last": last_id, "n": ITEM_TEMPLATES})
    return cur.rowcount


def seed_transitions(cur) -> None:
    cur.execute("CREATE TEMP TABLE bench_path (key text, step int, name text, from_state text, to_state text, "
                "phase int, frac float8) ON COMMIT DROP")
    copy_rows(cur, "bench_path", ("key", "step", "name", "from_state", "to_state", "phase", "frac"), path_rows())
    cur.execute("""
        INSERT INTO claims_claimtransition (claim_id, name, from_state, to_state, actor_id, reason, data, created_at)
        SELECT p.id, t.name, t.from_state, t.to_state,
               CASE t.name WHEN 'submit' THEN p.filed_by WHEN 'advise' THEN p.commission_id
                           WHEN 'decide' THEN p.decider_id ELSE p.guide_id END,
               CASE t.name WHEN 'withdraw' THEN 'De aanvrager trekt de melding in.'
                           WHEN 'declare_not_admissible' THEN 'De woning ligt buiten het mijnbouwschadegebied.'
                           WHEN 'hold' THEN 'Op verzoek van de aanvrager: verbouwing loopt.'
                           WHEN 'request_info' THEN 'Foto''s van de schade ontbreken.' ELSE '' END,
               '{}'::jsonb,
               CASE WHEN t.phase = 0 THEN p.sub + (COALESCE(p.decided_at, p.last_at) - p.sub) * t.frac
                    ELSE p.decided_at + (p.last_at - p.decided_at) * t.frac END
        FROM bench_plan p
        JOIN bench_path t ON t.key = p.path_key
        ORDER BY 8
    """)


def seed_clock(cur) -> None:
    cur.execute("""
        INSERT INTO claims_clockevent (claim_id, kind, cause, on_date, due_date, weeks, reason, actor_id, created_at)
        SELECT * FROM (
        SELECT id, 'start', '', sub_date, NULL::date, NULL::int, '', NULL::int, sub FROM bench_plan
        WHERE sub IS NOT NULL
        UNION ALL
        SELECT id, 'suspend', 'info_request', sub_date + past_offset, sub_date + past_offset + 28, NULL,
               'Foto''s van de schade ontbreken.', guide_id, sub + make_interval(days => past_offset)
        FROM bench_plan WHERE past_suspension
        UNION ALL
        SELECT id, 'resume', 'info_request', sub_date + past_offset + past_days, NULL, NULL, '', guide_id,
               sub + make_interval(days => past_offset + past_days)
        FROM bench_plan WHERE past_suspension
        UNION ALL
        SELECT id, 'suspend', CASE WHEN status = 'on_hold' THEN 'on_hold' ELSE 'info_request' END, suspended_on,
               CASE WHEN status = 'info_requested' THEN reply_due END, NULL,
               CASE WHEN status = 'on_hold' THEN 'Verbouwing loopt.' ELSE 'Foto''s van de schade ontbreken.' END,
               guide_id, last_at
        FROM bench_plan WHERE suspended_now
        UNION ALL
        SELECT id, 'extend', '', sub_date + 50, NULL, 8, 'Het rapport van de deskundige is nog niet klaar.',
               guide_id, sub + interval '50 days'
        FROM bench_plan WHERE extended
        UNION ALL
        SELECT id, 'reply_term', 'response', (last_at AT TIME ZONE 'Europe/Amsterdam')::date, reply_due, NULL, '',
               guide_id, last_at
        FROM bench_plan WHERE status = 'response_period'
        UNION ALL
        SELECT id, 'safety_visit', '', sub_date + 1, NULL, NULL, 'Geen direct gevaar.', guide_id,
               sub + interval '1 day'
        FROM bench_plan WHERE urgent AND status <> 'submitted'
        ) events ORDER BY 9
    """)


def seed_letters(cur, n_claims: int) -> None:
    # A receipt for every submitted claim, rendered: a Document row (no file on disk) and its Letter.
    cur.execute("""
        INSERT INTO claims_document (id, claim_id, kind, letter_kind, title, file, original_name, sha256, size,
                                     content_type, uploaded_by_id, damage_item_id, created_at)
        SELECT id, id, 'letter', 'receipt', 'Ontvangstbevestiging',
               'claims/' || id || '/' || md5(id::text) || md5('r' || id), '',
               md5(id::text) || md5('r' || id), 30000 + (id % 20000), 'application/pdf', NULL, NULL,
               sub + interval '2 minutes'
        FROM bench_plan WHERE sub IS NOT NULL ORDER BY id
    """)
    cur.execute("""
        INSERT INTO claims_letter (claim_id, kind, key, recipient_id, language, context, status, document_id,
                                   attempts, last_error, created_at, rendered_at)
        SELECT id, 'receipt', id || ':receipt:bench', applicant_id, 'nl', '{}'::jsonb, 'ready', id, 1, '',
               sub + interval '1 minute', sub + interval '2 minutes'
        FROM bench_plan WHERE sub IS NOT NULL ORDER BY id
    """)


def seed_inspections(cur) -> None:
    cur.execute("""
        INSERT INTO claims_inspection (claim_id, expert_id, status, chosen_on, objection_due, starts_at, ends_at,
                                       visited_at, report_id, created_by_id, created_at, updated_at)
        SELECT id, expert_id, st, chosen::date, chosen::date + 14,
               CASE WHEN st <> 'chosen' THEN chosen + interval '20 days' END,
               CASE WHEN st <> 'chosen' THEN chosen + interval '20 days 2 hours' END,
               CASE WHEN st = 'done' THEN chosen + interval '20 days 2 hours' END,
               NULL, guide_id, chosen, chosen
        FROM (
            SELECT p.*,
                   CASE WHEN status = 'inspection' OR (status = 'on_hold' AND held_from = 'inspection')
                        THEN CASE WHEN c < 0.5 THEN 'chosen' ELSE 'planned' END ELSE 'done' END AS st,
                   sub + (COALESCE(decided_at, last_at) - sub) * 0.25 AS chosen
            FROM bench_plan p WHERE expert_id IS NOT NULL
        ) inspected
        ORDER BY 11
    """)


def seed_messages(cur, now) -> None:
    cur.execute("""
        INSERT INTO claims_message (claim_id, kind, direction, author_id, body, phone, created_at, handled_at)
        SELECT id, kind, direction, CASE WHEN direction = 'out' THEN guide_id END,
               (%(messages)s::text[])[1 + floor(random() * %(n_messages)s)::int],
               CASE WHEN kind = 'callback' THEN '06 12345678' ELSE '' END, at,
               CASE WHEN direction = 'in' AND at < %(now)s - interval '3 days' THEN at + interval '1 day' END
        FROM (
            SELECT p.id, p.guide_id,
                   (ARRAY['message', 'message', 'message', 'callback', 'info_answer'])[1 + floor(random() * 5)::int]
                       AS kind,
                   CASE WHEN random() < 0.6 THEN 'in' ELSE 'out' END AS direction,
                   p.sub + (p.last_at - p.sub) * random() AS at
            FROM bench_plan p
            CROSS JOIN LATERAL generate_series(1, 1 + floor(p.h * 10)::int %% 3) n
            WHERE p.sub IS NOT NULL AND p.w < 0.35
        ) m
        ORDER BY at
    """, {"messages": list(MESSAGES), "n_messages": len(MESSAGES), "now": now})


def seed_notes(cur) -> None:
    cur.execute("""
        INSERT INTO casework_note (claim_id, kind, author_id, body, direction, spoke_with, created_at)
        SELECT id, kind, guide_id,
               CASE kind WHEN 'call' THEN (%(calls)s::text[])[1 + floor(r * %(n_calls)s)::int]
                         WHEN 'handover' THEN 'Overdracht: conceptadvies staat klaar, aanvrager wacht op bericht.'
                         ELSE (%(notes)s::text[])[1 + floor(r * %(n_notes)s)::int] END,
               CASE WHEN kind = 'call' THEN CASE WHEN r < 0.5 THEN 'in' ELSE 'out' END ELSE '' END,
               CASE WHEN kind = 'call' THEN 'aanvrager' ELSE '' END, at
        FROM (
            SELECT p.id, p.guide_id, random() AS r,
                   CASE WHEN random() < 0.6 THEN 'note' WHEN random() < 0.93 THEN 'call' ELSE 'handover' END AS kind,
                   p.sub + (p.last_at - p.sub) * random() AS at
            FROM bench_plan p
            CROSS JOIN LATERAL generate_series(1, 1 + floor(p.k * 100)::int %% 4) n
            WHERE p.sub IS NOT NULL AND p.e < 0.45
        ) n
        ORDER BY at
    """, {"calls": list(CALLS), "n_calls": len(CALLS), "notes": list(NOTES), "n_notes": len(NOTES)})


def seed_watch(cur, today, due_soon, users) -> None:
    # What the morning watch leaves: marks on open claims with a running clock that is overdue or due soon.
    cur.execute("""
        INSERT INTO casework_deadlinemark (claim_id, level, due_on, since, checked_on)
        SELECT id, CASE WHEN decision_due < %(today)s THEN 'overdue' ELSE 'due_soon' END, decision_due,
               %(today)s, %(today)s
        FROM bench_plan
        WHERE status = ANY(%(open)s) AND NOT suspended_now AND decision_due <= %(limit)s
    """, {"today": today, "limit": due_soon, "open": [s for s in OPEN_FAMILY if s != "on_hold"]})
    # A few guides are away; the next guide of the same team stands in.
    guides = [u[0] for u in users if u[4] == "caseworker"]
    rows = [(g, guides[n + 1], today - dt.timedelta(days=3), today + dt.timedelta(days=11))
            for n, g in enumerate(guides[:-1]) if n % 33 == 32]
    for user_id, substitute_id, starts_on, ends_on in rows:
        cur.execute("INSERT INTO claims_absence (user_id, substitute_id, starts_on, ends_on, reason, created_at) "
                    "VALUES (%s, %s, %s, %s, 'Vakantie', now())", [user_id, substitute_id, starts_on, ends_on])


def seed_finish(cur) -> None:
    for table in ("auth_user", "claims_person", "claims_property", "claims_claim", "claims_document",
                  "claims_team"):
        cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"GREATEST(1, (SELECT max(id) FROM {table})))")
    # New claims filed after seeding continue the numbering of their year.
    cur.execute("""
        INSERT INTO claims_referencecounter (year, last)
        SELECT substr(reference, 4, 4)::int, max(substr(reference, 9, 6)::int) FROM claims_claim GROUP BY 1
    """)


# --- running it ----------------------------------------------------------------------------------------

