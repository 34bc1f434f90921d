// A user's program on the AWS SDK for JavaScript v3 (@aws-sdk/client-sfn), pointed at
// `stepguard serve` by endpoint. Run by test_api_js_sdk.py:
//
//   node sfn_js_client.mjs http://127.0.0.1:PORT
//
// It walks the main flows (create, start, describe, history, list, a callback completed
// with SendTaskSuccess, StartSyncExecution on an EXPRESS machine, errors) and prints one
// JSON report of what the SDK handed back; the Python test asserts on it. Dates are
// reported as {"date": ISO} when the SDK gave a Date object, so the test can check that
// timestamps were parsed. Exits 1 with the error on stderr if a call that must succeed throws.
import {
  SFNClient,
  CreateStateMachineCommand,
  DescribeStateMachineCommand,
  StartExecutionCommand,
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  SendTaskSuccessCommand,
  StartSyncExecutionCommand,
  StateMachineDoesNotExist,
  paginateGetExecutionHistory,
} from "@aws-sdk/client-sfn";

const endpoint = process.argv[2];
const role = "arn:aws:iam::123456789012:role/stepguard-test";
const sfn = new SFNClient({
  endpoint,
  region: "us-east-1",
  credentials: { accessKeyId: "test", secretAccessKey: "test" },
  // StartSyncExecution and TestState carry the "sync-" host prefix; keep them on the endpoint.
  disableHostPrefix: true,
  maxAttempts: 1,
});

const report = {};

// Dates become {"date": ISO}; everything else as is; $metadata is dropped.
function plain(value) {
  if (value instanceof Date) return { date: value.toISOString() };
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === "object") {
    const out = {};
    for (const [k, v] of Object.entries(value)) if (k !== "$metadata") out[k] = plain(v);
    return out;
  }
  return value;
}

async function until(what, fetch, accept) {
  const deadline = Date.now() + 20000;
  for (;;) {
    const value = await fetch();
    if (accept(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function history(executionArn) {
  const events = [];
  for await (const page of paginateGetExecutionHistory({ client: sfn, pageSize: 3 }, { executionArn })) {
    events.push(...page.events);
  }
  return events;
}

const callbackDefinition = {
  StartAt: "Approve",
  States: {
    Approve: {
      Type: "Task",
      Resource: "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
      Parameters: {
        QueueUrl: "https://sqs.example/q",
        MessageBody: { "token.$": "$$.Task.Token", "item.$": "$.item" },
      },
      ResultPath: "$.approval",
      End: true,
    },
  },
};

const created = await sfn.send(
  new CreateStateMachineCommand({
    name: "js-approvals",
    definition: JSON.stringify(callbackDefinition),
    roleArn: role,
  }),
);
report.create = plain(created);
report.create.httpStatusCode = created.$metadata.httpStatusCode;
report.create.requestId = created.$metadata.requestId;
report.describeStateMachine = plain(
  await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: created.stateMachineArn })),
);

const started = await sfn.send(
  new StartExecutionCommand({ stateMachineArn: created.stateMachineArn, name: "js-run", input: '{"item": "book"}' }),
);
report.start = plain(started);

const events = await until("TaskScheduled", () => history(started.executionArn), (evs) =>
  evs.some((e) => e.type === "TaskScheduled"),
);
const scheduled = events.find((e) => e.type === "TaskScheduled");
const token = JSON.parse(scheduled.taskScheduledEventDetails.parameters).MessageBody.token;
report.describeRunning = plain(await sfn.send(new DescribeExecutionCommand({ executionArn: started.executionArn })));

report.sendTaskSuccess = plain(
  await sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{"approved": true}' })),
);
report.describeDone = plain(
  await until(
    "SUCCEEDED",
    () => sfn.send(new DescribeExecutionCommand({ executionArn: started.executionArn })),
    (d) => d.status !== "RUNNING",
  ),
);
report.history = plain(await history(started.executionArn));
report.historyReversed = plain(
  (await sfn.send(new GetExecutionHistoryCommand({ executionArn: started.executionArn, reverseOrder: true }))).events,
);
report.listExecutions = plain(
  await sfn.send(new ListExecutionsCommand({ stateMachineArn: created.stateMachineArn, statusFilter: "SUCCEEDED" })),
);

const express = await sfn.send(
  new CreateStateMachineCommand({
    name: "js-express",
    type: "EXPRESS",
    roleArn: role,
    definition: JSON.stringify({
      StartAt: "Greet",
      States: { Greet: { Type: "Pass", Parameters: { "greeting.$": "States.Format('hello {}', $.who)" }, End: true } },
    }),
  }),
);
const sync = await sfn.send(
  new StartSyncExecutionCommand({ stateMachineArn: express.stateMachineArn, input: '{"who": "js"}' }),
);
report.startSync = plain(sync);
report.startSync.httpStatusCode = sync.$metadata.httpStatusCode;

try {
  await sfn.send(
    new DescribeStateMachineCommand({
      stateMachineArn: "arn:aws:states:us-east-1:123456789012:stateMachine:js-missing",
    }),
  );
  report.error = null;
} catch (e) {
  report.error = {
    name: e.name,
    message: e.message,
    fault: e.$fault,
    httpStatusCode: e.$metadata?.httpStatusCode,
    isModeledClass: e instanceof StateMachineDoesNotExist,
  };
}
try {
  await sfn.send(new StartExecutionCommand({ stateMachineArn: created.stateMachineArn, input: "not json" }));
  report.inputError = null;
} catch (e) {
  report.inputError = { name: e.name, message: e.message };
}

process.stdout.write(JSON.stringify(report) + "\n");
