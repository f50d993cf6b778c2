#!/usr/bin/env bash
# Waits until the machine is quiet enough to measure: 1-minute load below $MAX_LOAD (default 0.5) and no
# `seagull.dll compare` / `dotnet test` / `even_act.py` process running. Gives up after $MAX_WAIT seconds
# (default 2400) with exit code 1. Prints the load it started with. usage: bench/wait_quiet.sh
max_load="${MAX_LOAD:-0.5}"; max_wait="${MAX_WAIT:-2400}"; waited=0
busy() { pgrep -f 'seagull.dll compare|dotnet test|even_act.py' >/dev/null; }
while :; do
  load=$(cut -d' ' -f1 /proc/loadavg)
  if ! busy && awk -v l="$load" -v m="$max_load" 'BEGIN { exit !(l < m) }'; then
    echo "quiet: $(uptime)"; exit 0
  fi
  if (( waited >= max_wait )); then echo "still busy after ${waited}s: $(uptime)" >&2; exit 1; fi
  sleep 20; waited=$((waited + 20))
done
