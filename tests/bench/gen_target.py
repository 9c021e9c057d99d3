#!/usr/bin/env python3
"""The side-by-side benchmarks' scrape target body.

Writes a Prometheus text exposition of SERIES counter series (default
100000) in families of 100: app_family_<f>_total{instance_id, path}. The
file is written next to OUT and renamed over it, so an http.server serving
OUT's directory never sends a half-written body.

With --generation G the body churns (tests/bench/churn.sh): every series
carries a label gen="<g>", and going from generation G-1 to G gives a new
gen value to one series in ten (those whose index is G modulo 10), i.e. 10 %
of the series are replaced by new ones while the other 90 % keep their
labels. The value of a series is the latest generation g <= G congruent
to its index modulo 10 (negative before the first ten generations).

Usage: gen_target.py OUT [--series N] [--generation G]
Used by scrape_side_by_side.sh, agents_side_by_side.sh, churn.sh and
replay.sh.
"""
import argparse
import os


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--series", type=int, default=100000)
    ap.add_argument("--generation", type=int, default=None)
    a = ap.parse_args()
    tmp = "%s.tmp.%d" % (a.out, os.getpid())
    g = a.generation
    with open(tmp, "w") as f:
        n = 0
        fam = 0
        while n < a.series:
            name = "app_family_%d_total" % fam
            f.write("# HELP %s A counter.\n# TYPE %s counter\n" % (name, name))
            for i in range(100):
                if n >= a.series:
                    break
                if g is None:
                    f.write('%s{instance_id="%d",path="/api/v1/p%d"} %d\n' % (name, i % 16, i, 1234567 + i))
                else:
                    gen = g - ((g - n) % 10)
                    f.write('%s{gen="%d",instance_id="%d",path="/api/v1/p%d"} %d\n'
                            % (name, gen, i % 16, i, 1234567 + i))
                n += 1
            fam += 1
    os.rename(tmp, a.out)


if __name__ == "__main__":
    main()
