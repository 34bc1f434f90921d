// SnsPublishExecutor: the TaskExecutor of `arn:aws:states:::sns:publish` and
// `arn:aws:states:::sns:publish.waitForTaskToken`, publishing through a Notifier to the
// channels configured for the topic (notification_channels.h).
//
// Parameters (SNS Publish's, as the optimized integration takes them):
//   TopicArn | TargetArn      the topic (one of them; both is an error, as in SNS)
//   Message                   required; a string is sent as is, any other JSON as its
//                             compact serialisation (what Step Functions does)
//   Subject                   optional string, at most 100 characters, no line breaks
//   MessageAttributes         {Name: {DataType, StringValue | BinaryValue}}; delivered as
//                             {"Name": {"Type": DataType, "Value": ...}}
//   MessageStructure          "json": Message must be a JSON object (or a string holding
//                             one) of strings with a "default" entry; webhooks receive
//                             their scheme's entry ("http"/"https") when present, other
//                             channels "default"
//   MessageGroupId, MessageDeduplicationId, PhoneNumber: accepted (only FIFO topics, whose
//                             name ends in .fifo, need MessageGroupId, as in SNS);
//                             PhoneNumber alone (an SMS) is answered but delivers nowhere
// Anything else: States.Runtime naming the parameter.
//
// Result, as AWS's optimized integration returns it:
//   {"MessageId": "<uuid>",
//    ["SequenceNumber": "<20 digits>",]          (FIFO topics)
//    "SdkHttpMetadata": {"AllHttpHeaders": {"x-amzn-RequestId": [id], "Content-Length": [n],
//                        "Date": [RFC 1123], "Content-Type": ["text/xml"]},
//                        "HttpHeaders": {... the same, single values ...},
//                        "HttpStatusCode": 200},
//    "SdkResponseMetadata": {"RequestId": "<uuid>"}}
// Delivery happens afterwards, in the background (the task never waits for it, as SNS
// acknowledges a publish before delivering).
//
// Errors (SNS's names for the optimized integration, causes in the AWS SDK v1 form
// "<message> (Service: AmazonSNS; Status Code: N; Error Code: CODE; Request ID: ID; Proxy: null)"):
//   topic not configured           SNS.NotFoundException, "Topic does not exist"
//   missing/invalid parameters     SNS.InvalidParameterException, "Invalid parameter: ..."
//
// .waitForTaskToken (when SnsPublishOptions::invoke_callback_tasks is set): the message is
// published the same way (the definition puts $$.Task.Token into Message or an attribute)
// and the result above is the task's *submission* response: the engine records
// TaskSubmitted with it and waits for SendTaskSuccess/SendTaskFailure with the token (the
// host must dispatch such tasks to this executor rather than submitting them at once; see
// docs). A Message that does not carry the token is not an error (AWS does not check
// either); the task then ends only by timeout. Without invoke_callback_tasks (`stepguard
// run`), it fails with States.Runtime naming the limitation, as lambda:invoke's does.
//
// invoke() never blocks on delivery; thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "engine/task_executor.h"
#include "integrations/notification_channels_notifier.h"

namespace sg::integrations {

enum class SnsResourceKind { kPublish, kPublishWaitForTaskToken, kOther };

// arn:<partition>:states:::sns:publish[.waitForTaskToken]
SnsResourceKind classify_sns_resource(std::string_view resource);

struct SnsPublishOptions {
  std::function<int64_t()> now_ms;              // Date header; null: system clock
  std::function<std::string()> new_request_id;  // null: random UUIDs
  // Hosts that wait for task tokens (the server) set this; otherwise (`stepguard run`)
  // .waitForTaskToken fails with States.Runtime naming the limitation, as Lambda's does,
  // since nothing could send the token back.
  bool invoke_callback_tasks = false;
  std::string host = "stepguard run";  // names the host in that message
};

class SnsPublishExecutor final : public engine::TaskExecutor {
 public:
  // The notifier is shared: the guardian's alarm actions publish through it too.
  explicit SnsPublishExecutor(std::shared_ptr<Notifier> notifier, SnsPublishOptions options = {});
  engine::TaskResult invoke(const engine::TaskRequest& request) override;

 private:
  std::string request_id() const;
  int64_t now_ms() const;

  std::shared_ptr<Notifier> notifier_;
  SnsPublishOptions options_;
};

}  // namespace sg::integrations
