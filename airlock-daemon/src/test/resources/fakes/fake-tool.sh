#!/bin/sh
# A stand-in for a tool that cannot be installed on the test machine (terraform, aws, kubectl, gh).
# It records what reached it: argv, environment, stdin and cwd, appended to "$0.calls", and
# prints "fake <tool> <args>" so a test sees it ran. It never reads a terminal.
log="$0.calls"
{
  printf '=== call\n=== argv\n'
  for a in "$@"; do printf '%s\0' "$a"; done
  printf '\n=== env\n'
  env -0
  printf '\n=== cwd\n%s\n' "$(pwd)"
  printf '=== stdin\n'
  cat
} >>"$log" 2>/dev/null
printf 'fake %s' "$(basename "$0")"
for a in "$@"; do printf ' %s' "$a"; done
printf '\n'
exit 0
