#!/bin/sh
# A generic CI step: run after a deploy; its exit code is the gate's.
#   REACHPROOF_COORDINATOR  the coordinator URL (required)
#   REACHPROOF_EXPECTATION  the expectation set (optional when the coordinator has one)
#   REACHPROOF_TOKEN        the coordinator's admin token, if it has one
#   REACHPROOF_GATE_TIMEOUT how long to wait for a complete round (default 2m)
#   REACHPROOF_JUNIT        where to write the JUnit report (default reachproof-gate.xml)
#   REACHPROOF              the command to run (default: reachproof on PATH)
# Exit codes: 0 pass, 1 mismatches (roll back), 2 inconclusive or timed out (a person decides).
set -eu
: "${REACHPROOF_COORDINATOR:?set REACHPROOF_COORDINATOR to the coordinator URL}"
status=0
${REACHPROOF:-reachproof} gate \
  --coordinator "$REACHPROOF_COORDINATOR" \
  ${REACHPROOF_EXPECTATION:+--expectation "$REACHPROOF_EXPECTATION"} \
  --timeout "${REACHPROOF_GATE_TIMEOUT:-2m}" \
  --junit "${REACHPROOF_JUNIT:-reachproof-gate.xml}" || status=$?
case "$status" in
  0) echo "reachproof gate: pass" ;;
  1) echo "reachproof gate: mismatches found; roll back" >&2 ;;
  *) echo "reachproof gate: inconclusive (exit $status); not promoting" >&2 ;;
esac
exit "$status"
