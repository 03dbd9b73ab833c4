#!/usr/bin/env python3
"""Measure how long runjob takes to stop and remove N running steps after Ctrl-C.

Usage: scripts/measure-cancel.py RUNJOB N polite|ignore [SECOND_SIGINT_AFTER]

Writes a pipeline of N independent steps (polite: they exit on SIGTERM;
ignore: sh as PID 1 ignores SIGTERM, so they wait out --stop-timeout, 10s by
default), runs it with -j N, sends SIGINT once every step printed "ready"
(and a second SIGINT after the given delay, if any), and prints the exit
code and the seconds from the first signal to runjob's exit, by which time
every container is removed.
"""
import json, signal, subprocess, sys, tempfile, threading, time, os

runjob, n, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3]
second = float(sys.argv[4]) if len(sys.argv) > 4 else 0
cmd = {"polite": "trap 'exit 143' TERM; echo ready; sleep 300 & wait", "ignore": "echo ready; sleep 300"}[mode]
steps = "".join('step "s%d" {\n  image   = "busybox:latest"\n  command = ["sh", "-c", %s]\n}\n' % (i, json.dumps(cmd)) for i in range(n))
with tempfile.TemporaryDirectory() as d:
    f = os.path.join(d, "p.hcl")
    open(f, "w").write(steps)
    p = subprocess.Popen([runjob, f, "-j", str(n), "--log-format", "json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    ready = 0
    for line in p.stdout:
        ev = json.loads(line)
        if ev.get("event") == "output" and ev.get("line") == "ready":
            ready += 1
            if ready == n:
                break
    t0 = time.monotonic()
    p.send_signal(signal.SIGINT)
    if second > 0:
        time.sleep(second)
        p.send_signal(signal.SIGINT)
    threading.Thread(target=lambda: [None for _ in p.stdout], daemon=True).start()
    p.stderr.read()
    rc = p.wait()
    print(f"{n} steps ({mode}{', second SIGINT after %gs' % second if second else ''}): exit {rc}, {time.monotonic() - t0:.2f}s from SIGINT to exit")
