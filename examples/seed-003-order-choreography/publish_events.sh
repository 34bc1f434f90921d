#!/usr/bin/env bash
# The services of the choreography, simulated: publishes the events of one order to the
# default bus with `aws events put-events`, one service after the other.
#   ./publish_events.sh ORDER_ID                      the whole process, in order
#   ./publish_events.sh ORDER_ID "Order Placed" "Order Dispatched"   these events only
#   STEPGUARD_ENDPOINT (default http://127.0.0.1:8083), PAUSE seconds between events (0.5)
set -euo pipefail
EP=${STEPGUARD_ENDPOINT:-http://127.0.0.1:8083}
export AWS_ACCESS_KEY_ID=${AWS_ACCESS_KEY_ID:-test} AWS_SECRET_ACCESS_KEY=${AWS_SECRET_ACCESS_KEY:-test}
export AWS_DEFAULT_REGION=us-east-1 AWS_PAGER=""
ORDER=${1:?usage: publish_events.sh ORDER_ID [DETAIL_TYPE...]}
shift
if [ $# -eq 0 ]; then
  set -- "Order Placed" "Payment Received" "Inventory Reserved" "Order Dispatched" "Order Packaged" \
    "Order Delivered"
fi
source_of() {
  case "$1" in
    "Order Placed") echo com.example.orders ;;
    "Payment Received") echo com.example.payments ;;
    "Inventory Reserved") echo com.example.inventory ;;
    "Order Dispatched") echo com.example.dispatch ;;
    "Order Packaged") echo com.example.packaging ;;
    "Order Delivered") echo com.example.delivery ;;
    *) echo com.example.unknown ;;
  esac
}
for TYPE in "$@"; do
  DETAIL=$(printf '{"order_id":"%s"}' "$ORDER")
  ENTRIES=$(printf '[{"Source":"%s","DetailType":"%s","Detail":%s}]' "$(source_of "$TYPE")" "$TYPE" \
    "$(printf '%s' "$DETAIL" | python3 -c 'import json,sys; print(json.dumps(sys.stdin.read()))')")
  FAILED=$(aws events put-events --endpoint-url "$EP" --entries "$ENTRIES" --query FailedEntryCount --output text)
  echo "$ORDER: $TYPE (failed entries: $FAILED)"
  sleep "${PAUSE:-0.5}"
done
