#!/usr/bin/env python3
"""gen_launch_day.py - writes launch-day.csv, the recorded day that
configs/replay-launch.ini replays.

It is synthetic, but shaped like a small product's launch day seen in its
analytics export (one row per event, UTC timestamps):

- a quiet night, then a working day's cycle (fewer sessions at night, more
  in the afternoon);
- the launch post going live at 07:01 UTC: sessions jump to about twelve
  times the night's level and decay with a half-life of about two hours;
- a second, smaller wave at 15:00 UTC (a newsletter reaching US mornings);
- each session is one user's few events: a page view, more page views a
  geometric number of times, 25 s apart on average, a sign-up for most
  new users, and now and then an order at the end;
- returning users come back from a pool, so some users have several
  sessions.

Deterministic: the same seed writes the same file.
Usage: python3 configs/data/gen_launch_day.py > configs/data/launch-day.csv
"""
import math
import random
import sys

SEED = 20240514
DAY = 86400.0
LAUNCH = 7 * 3600 + 60.0   # 07:01 UTC
WAVE = 15 * 3600.0         # 15:00 UTC


def sessions_per_hour(t):
    """Session start intensity at t seconds after midnight UTC."""
    hour = t / 3600.0
    # Working-day cycle: low at 03:00, high at 16:00 UTC.
    cycle = 10.0 + 7.0 * math.cos((hour - 16.0) / 24.0 * 2 * math.pi)
    launch = 0.0
    if t >= LAUNCH:
        launch = 160.0 * 0.5 ** ((t - LAUNCH) / 7200.0)
    wave = 0.0
    if t >= WAVE:
        wave = 50.0 * 0.5 ** ((t - WAVE) / 3600.0)
    return cycle + launch + wave


def main():
    rng = random.Random(SEED)
    rows = []
    returning = []          # users seen before
    next_user = 1
    # Sessions: a Poisson process by thinning against the peak intensity.
    peak = max(sessions_per_hour(s * 60.0) for s in range(24 * 60)) / 3600.0
    t = 0.0
    while True:
        t += rng.expovariate(peak)
        if t >= DAY:
            break
        if rng.random() * peak > sessions_per_hour(t) / 3600.0:
            continue
        new = not returning or rng.random() < (0.75 if t >= LAUNCH else 0.3)
        if new:
            user = "u%06d" % next_user
            next_user += 1
            returning.append(user)
        else:
            user = rng.choice(returning)
        at = t
        events = ["page_view"]
        while rng.random() < 0.78:
            events.append("page_view")
        if new and rng.random() < 0.8:
            events.insert(min(2, len(events)), "signed_up")
        if rng.random() < 0.05:
            events.append("order_completed")
        for name in events:
            if at >= DAY:
                break
            rows.append((at, name, user))
            at += min(rng.expovariate(1 / 25.0), 600.0)
    rows.sort(key=lambda r: r[0])
    out = sys.stdout
    out.write("time,event,user\n")
    for at, name, user in rows:
        ms = int(round(at * 1000))
        if ms >= DAY * 1000:
            ms = int(DAY * 1000) - 1
        s, ms = divmod(ms, 1000)
        h, rem = divmod(s, 3600)
        m, sec = divmod(rem, 60)
        out.write("2024-05-14T%02d:%02d:%02d.%03dZ,%s,%s\n" % (h, m, sec, ms, name, user))


if __name__ == "__main__":
    main()
