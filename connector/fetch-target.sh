#!/usr/bin/env bash
# Prints the connector's target, read at start from its stream's record in DynamoDB: line 1 the
# meeting URL, line 2 the RTMP(S) URL with its stream key. So no key is in RunTask's overrides (which
# DescribeTasks, ECS events and CloudTrail show), only non-secret ids: STREAM_ID and
# CONNECTOR_EXECUTION, the start execution that claimed the stream's connector. A record whose
# connector is no longer that execution's, or is being stopped, is refused (exit 1): the task was
# started for a connector that is gone.
#
# Credentials: the task role's, from the ECS credentials endpoint (AWS_CONTAINER_CREDENTIALS_*_URI),
# else AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY[/AWS_SESSION_TOKEN]. The request is signed by curl
# (--aws-sigv4); the credentials reach curl on stdin (a config), never on its command line, and the
# record only through a pipe. Needs curl ≥ 7.75 and jq. See connector/README.md.
set -euo pipefail

: "${STREAM_ID:?STREAM_ID is required}" "${CONNECTOR_EXECUTION:?CONNECTOR_EXECUTION is required}"
: "${STREAMS_TABLE:?STREAMS_TABLE is required}" "${AWS_REGION:?AWS_REGION is required}"
ENDPOINT="${DYNAMODB_ENDPOINT:-https://dynamodb.${AWS_REGION}.amazonaws.com}"

if [ -n "${AWS_CONTAINER_CREDENTIALS_RELATIVE_URI:-}" ] || [ -n "${AWS_CONTAINER_CREDENTIALS_FULL_URI:-}" ]; then
  url="${AWS_CONTAINER_CREDENTIALS_FULL_URI:-http://169.254.170.2${AWS_CONTAINER_CREDENTIALS_RELATIVE_URI:-}}"
  creds="$(curl -sS --fail --max-time 5 "$url")"
  AWS_ACCESS_KEY_ID="$(jq -r .AccessKeyId <<<"$creds")"
  AWS_SECRET_ACCESS_KEY="$(jq -r .SecretAccessKey <<<"$creds")"
  AWS_SESSION_TOKEN="$(jq -r '.Token // empty' <<<"$creds")"
fi
: "${AWS_ACCESS_KEY_ID:?no credentials: neither the ECS credentials endpoint nor AWS_ACCESS_KEY_ID}"

# Only the attributes the connector needs (the task role may read no others: infra/connector.ts).
request="$(jq -nc --arg table "$STREAMS_TABLE" --arg id "$STREAM_ID" '{
  TableName: $table, Key: {id: {S: $id}}, ConsistentRead: true,
  ProjectionExpression: "#c, #e, #r1, #ri",
  ExpressionAttributeNames: {"#c": "connector", "#e": "connector_execution", "#r1": "rtmp1", "#ri": "rtmp_ivs"}
}')"

curl_config() {
  printf 'user = "%s:%s"\n' "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY"
  if [ -n "${AWS_SESSION_TOKEN:-}" ]; then printf 'header = "x-amz-security-token: %s"\n' "$AWS_SESSION_TOKEN"; fi
}

item="$(curl_config | curl -sS --fail-with-body --max-time 10 --config - \
  --aws-sigv4 "aws:amz:${AWS_REGION}:dynamodb" \
  -H 'Content-Type: application/x-amz-json-1.0' -H 'X-Amz-Target: DynamoDB_20120810.GetItem' \
  --data "$request" "$ENDPOINT")" || { echo "reading stream ${STREAM_ID} failed" >&2; exit 1; }

jq -r --arg execution "$CONNECTOR_EXECUTION" '
  .Item as $item
  | if $item == null then error("stream not found")
    elif ($item.connector_execution.S // "") != $execution then error("the stream connector is no longer this task (a stop or another start took it)")
    elif $item.connector.M.state.S == "stopping" then error("the stream connector is being stopped")
    else
      $item.connector.M as $connector
      | ($connector.chime_url.S // ""), (if $connector.target.S == "ivs" then $item.rtmp_ivs.S else $item.rtmp1.S end // "")
    end' <<<"$item" || exit 1
