#!/usr/bin/env bash
# Creates the order choreography monitor on a running `stepguard serve`: the state machine
# and the two EventBridge rules, with the AWS CLI only.
#   STEPGUARD_ENDPOINT (default http://127.0.0.1:8083)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
EP=${STEPGUARD_ENDPOINT:-http://127.0.0.1:8083}
export AWS_ACCESS_KEY_ID=${AWS_ACCESS_KEY_ID:-test} AWS_SECRET_ACCESS_KEY=${AWS_SECRET_ACCESS_KEY:-test}
export AWS_DEFAULT_REGION=us-east-1 AWS_PAGER=""
aws() { command aws --endpoint-url "$EP" --output text "$@"; }

aws stepfunctions create-state-machine --name order-choreography \
  --role-arn arn:aws:iam::123456789012:role/order-choreography \
  --definition "file://$HERE/order-choreography.asl.json" --query stateMachineArn
# Rule 1: the first event of an order starts an execution named after the order id.
aws events put-rule --name order-placed --event-pattern "file://$HERE/order-placed.pattern.json" --query RuleArn
aws events put-targets --rule order-placed --targets "file://$HERE/order-placed.targets.json" >/dev/null
# Rule 2: every later event resumes the execution waiting under the event's order id.
aws events put-rule --name order-events --event-pattern "file://$HERE/order-events.pattern.json" --query RuleArn
aws events put-targets --rule order-events --targets "file://$HERE/order-events.targets.json" >/dev/null
echo "ready: publish events with ./publish_events.sh ORDER_ID"
