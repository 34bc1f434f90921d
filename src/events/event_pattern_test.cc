#include "events/event_pattern.h"

#include <gtest/gtest.h>

#include "json/parse.h"

namespace sg::events {
namespace {

bool match(std::string_view pattern, std::string_view event) {
  auto p = EventPattern::parse(pattern);
  EXPECT_TRUE(p.ok()) << pattern << ": " << (p.ok() ? "" : p.error().message);
  if (!p.ok()) return false;
  auto e = json::parse_json(event);
  EXPECT_TRUE(e.ok()) << event;
  return e.ok() && p->matches(*e);
}

std::string rejection(std::string_view pattern) {
  auto p = EventPattern::parse(pattern);
  if (p.ok()) return "<accepted>";
  EXPECT_EQ(p.error().code, "InvalidEventPatternException");
  return p.error().message;
}

constexpr std::string_view kEc2Event = R"({
  "version": "0", "id": "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
  "detail-type": "EC2 Instance State-change Notification", "source": "aws.ec2",
  "account": "111122223333", "time": "2017-12-22T18:43:48Z", "region": "us-west-1",
  "resources": ["arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0"],
  "detail": {"instance-id": "i-1234567890abcdef0", "state": "terminated"}})";

TEST(EventPattern, DocumentedExactMatchOnEc2Event) {
  EXPECT_TRUE(
      match(R"({"source":["aws.ec2"],"detail-type":["EC2 Instance State-change Notification"]})", kEc2Event));
  EXPECT_TRUE(match(R"({"detail":{"state":["running","terminated"]}})", kEc2Event));
  EXPECT_FALSE(match(R"({"detail":{"state":["running"]}})", kEc2Event));
  EXPECT_FALSE(match(R"({"source":["AWS.EC2"]})", kEc2Event));  // case-sensitive
  // An array in the event matches when any element does.
  EXPECT_TRUE(match(
      R"({"resources":["arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0","x"]})", kEc2Event));
  // Exact ARN matching: ':' and '/' are not interchangeable.
  EXPECT_FALSE(match(R"({"resources":["arn:aws:ec2:us-west-1:123456789012:instance:i-1234567890abcdef0"]})",
                     kEc2Event));
}

TEST(EventPattern, NullAndEmptyString) {
  EXPECT_TRUE(match(R"({"d":{"x":[null]}})", R"({"d":{"x":null}})"));
  EXPECT_FALSE(match(R"({"d":{"x":[null]}})", R"({"d":{"x":""}})"));
  EXPECT_FALSE(match(R"({"d":{"x":[null]}})", R"({"d":{}})"));  // missing is not null
  EXPECT_TRUE(match(R"({"d":{"x":[""]}})", R"({"d":{"x":""}})"));
  EXPECT_FALSE(match(R"({"d":{"x":[""]}})", R"({"d":{"x":null}})"));
}

TEST(EventPattern, TypesNeverMixInExactMatches) {
  EXPECT_FALSE(match(R"({"d":{"n":["5"]}})", R"({"d":{"n":5}})"));
  EXPECT_FALSE(match(R"({"b":[true]})", R"({"b":"true"})"));
  EXPECT_TRUE(match(R"({"b":[true]})", R"({"b":true})"));
  EXPECT_FALSE(match(R"({"b":[false]})", R"({"b":true})"));
  EXPECT_TRUE(match(R"({"n":[300]})", R"({"n":300})"));
  // Ruler (AWS's matcher) compares exact numbers numerically today.
  EXPECT_TRUE(match(R"({"n":[300]})", R"({"n":300.0})"));
  EXPECT_TRUE(match(R"({"n":[3.0e2]})", R"({"n":300})"));
  EXPECT_FALSE(match(R"({"n":[300]})", R"({"n":301})"));
}

TEST(EventPattern, PrefixSuffixAndIgnoreCase) {
  EXPECT_TRUE(match(R"({"region":[{"prefix":"us-"}]})", kEc2Event));
  EXPECT_FALSE(match(R"({"region":[{"prefix":"eu-"}]})", kEc2Event));
  EXPECT_FALSE(match(R"({"d":{"n":[{"prefix":"1"}]}})", R"({"d":{"n":12}})"));  // strings only
  EXPECT_TRUE(match(R"({"f":[{"suffix":".png"}]})", R"({"f":"a/b.png"})"));
  EXPECT_FALSE(match(R"({"f":[{"suffix":".png"}]})", R"({"f":"a/b.PNG"})"));
  EXPECT_TRUE(match(R"({"s":[{"prefix":{"equals-ignore-case":"eventb"}}]})", R"({"s":"EventBridge"})"));
  EXPECT_TRUE(match(R"({"s":[{"suffix":{"equals-ignore-case":"tBridge"}}]})", R"({"s":"EVENTBRIDGE"})"));
  EXPECT_TRUE(match(R"({"n":[{"equals-ignore-case":"alice"}]})", R"({"n":"ALiCe"})"));
  EXPECT_FALSE(match(R"({"n":[{"equals-ignore-case":"alice"}]})", R"({"n":"alicia"})"));
  EXPECT_TRUE(match(R"({"f":[{"prefix":""}]})", R"({"f":"anything"})"));
}

TEST(EventPattern, Wildcard) {
  EXPECT_TRUE(match(R"({"s":[{"wildcard":"arn:*:stateMachine:order-*"}]})",
                    R"({"s":"arn:aws:states:us-east-1:1:stateMachine:order-v2"})"));
  EXPECT_TRUE(match(R"({"f":[{"wildcard":"dir/*.png"}]})", R"({"f":"dir/a/b.png"})"));
  EXPECT_FALSE(match(R"({"f":[{"wildcard":"dir/*.png"}]})", R"({"f":"dir/a.jpg"})"));
  EXPECT_TRUE(match(R"({"f":[{"wildcard":"a*b*c"}]})", R"({"f":"abbbc"})"));
  EXPECT_TRUE(match(R"({"f":[{"wildcard":"a*b*c"}]})", R"({"f":"abc"})"));
  EXPECT_FALSE(match(R"({"f":[{"wildcard":"a*ab"}]})", R"({"f":"ab"})"));  // pieces may not overlap
  EXPECT_TRUE(match(R"({"f":[{"wildcard":"*"}]})", R"({"f":""})"));
  EXPECT_TRUE(match(R"({"f":[{"wildcard":"a\\*b"}]})", R"({"f":"a*b"})"));
  EXPECT_FALSE(match(R"({"f":[{"wildcard":"a\\*b"}]})", R"({"f":"axb"})"));
  EXPECT_TRUE(match(R"({"f":[{"wildcard":"a\\\\b"}]})", R"({"f":"a\\b"})"));
  EXPECT_FALSE(match(R"({"f":[{"wildcard":"*"}]})", R"({"f":1})"));
  EXPECT_EQ(rejection(R"({"f":[{"wildcard":"a**b"}]})"),
            "Event pattern is not valid. Reason: Consecutive wildcard characters at pos 2");
  EXPECT_EQ(rejection(R"({"f":[{"wildcard":"a\\b"}]})"),
            "Event pattern is not valid. Reason: Invalid escape character at pos 1");
}

TEST(EventPattern, AnythingBut) {
  EXPECT_TRUE(match(R"({"s":[{"anything-but":"initializing"}]})", R"({"s":"running"})"));
  EXPECT_FALSE(match(R"({"s":[{"anything-but":"initializing"}]})", R"({"s":"initializing"})"));
  EXPECT_FALSE(match(R"({"n":[{"anything-but":[100,200]}]})", R"({"n":200})"));
  EXPECT_TRUE(match(R"({"n":[{"anything-but":[100,200]}]})", R"({"n":300})"));
  EXPECT_FALSE(match(R"({"n":[{"anything-but":[100,200]}]})", R"({"n":100.0})"));
  // Ruler's behaviour on arrays, null, missing fields and other types.
  EXPECT_TRUE(match(R"({"d":{"s":[{"anything-but":"a"}]}})", R"({"d":{"s":["a","b"]}})"));
  EXPECT_FALSE(match(R"({"d":{"s":[{"anything-but":"a"}]}})", R"({"d":{"s":["a"]}})"));
  EXPECT_TRUE(match(R"({"d":{"s":[{"anything-but":["a"]}]}})", R"({"d":{"s":null}})"));
  EXPECT_FALSE(match(R"({"d":{"s":[{"anything-but":["a"]}]}})", R"({"d":{"t":1}})"));
  EXPECT_TRUE(match(R"({"d":{"s":[{"anything-but":"5"}]}})", R"({"d":{"s":5}})"));
  // prefix / suffix / equals-ignore-case / wildcard, single or list.
  EXPECT_FALSE(match(R"({"s":[{"anything-but":{"prefix":"init"}}]})", R"({"s":"initializing"})"));
  EXPECT_TRUE(match(R"({"s":[{"anything-but":{"prefix":"init"}}]})", R"({"s":"running"})"));
  EXPECT_FALSE(match(R"({"f":[{"anything-but":{"suffix":[".txt",".md"]}}]})", R"({"f":"a.md"})"));
  EXPECT_TRUE(match(R"({"f":[{"anything-but":{"suffix":[".txt",".md"]}}]})", R"({"f":"a.png"})"));
  EXPECT_FALSE(
      match(R"({"n":[{"anything-but":{"equals-ignore-case":["Bob","Alice"]}}]})", R"({"n":"ALICE"})"));
  EXPECT_TRUE(
      match(R"({"n":[{"anything-but":{"equals-ignore-case":["Bob","Alice"]}}]})", R"({"n":"Carol"})"));
  EXPECT_FALSE(match(R"({"p":[{"anything-but":{"wildcard":"*/lib/*"}}]})", R"({"p":"/usr/lib/x"})"));
  EXPECT_TRUE(match(R"({"p":[{"anything-but":{"wildcard":"*/lib/*"}}]})", R"({"p":"/usr/bin/x"})"));
}

TEST(EventPattern, Numeric) {
  EXPECT_TRUE(match(R"({"n":[{"numeric":[">",0,"<=",5]}]})", R"({"n":5})"));
  EXPECT_FALSE(match(R"({"n":[{"numeric":[">",0,"<=",5]}]})", R"({"n":0})"));
  EXPECT_TRUE(match(R"({"n":[{"numeric":[">",0,"<=",5]}]})", R"({"n":0.5})"));
  EXPECT_FALSE(match(R"({"n":[{"numeric":[">=",0,"<",10]}]})", R"({"n":10})"));
  EXPECT_TRUE(match(R"({"n":[{"numeric":[">=",0,"<",10]}]})", R"({"n":0})"));
  EXPECT_TRUE(match(R"({"n":[{"numeric":["=",3.018e2]}]})", R"({"n":301.8})"));
  EXPECT_TRUE(match(R"({"n":[{"numeric":["<",-1]}]})", R"({"n":-1.5})"));
  EXPECT_FALSE(match(R"({"n":[{"numeric":["<",-1]}]})", R"({"n":-1})"));
  EXPECT_FALSE(match(R"({"d":{"n":[{"numeric":[">",1]}]}})", R"({"d":{"n":"5"}})"));
  EXPECT_TRUE(match(R"({"d":{"n":[{"numeric":[">",1]}]}})", R"({"d":{"n":[0,7]}})"));
  EXPECT_EQ(rejection(R"({"n":[{"numeric":[">",5,"<",1]}]})"),
            "Event pattern is not valid. Reason: Bottom must be less than top");
  EXPECT_EQ(rejection(R"({"n":[{"numeric":["!=",5]}]})"),
            "Event pattern is not valid. Reason: Unrecognized numeric range operator: \"!=\"");
  EXPECT_EQ(rejection(R"({"n":[{"numeric":[">","5"]}]})"),
            "Event pattern is not valid. Reason: Value of > must be a number");
  EXPECT_NE(rejection(R"({"n":[{"numeric":["<",5,">",1]}]})"), "<accepted>");
  EXPECT_NE(rejection(R"({"n":[{"numeric":5}]})"), "<accepted>");
}

TEST(EventPattern, Exists) {
  EXPECT_TRUE(match(R"({"d":{"c":[{"exists":true}]}})", R"({"d":{"c":"x"}})"));
  EXPECT_FALSE(match(R"({"d":{"c":[{"exists":true}]}})", R"({"d":{}})"));
  EXPECT_TRUE(match(R"({"d":{"c":[{"exists":false}]}})", R"({"d":{}})"));
  EXPECT_TRUE(match(R"({"d":{"c":[{"exists":false}]}})", R"({"e":1})"));  // parent missing too
  // An object is not a leaf.
  EXPECT_TRUE(match(R"({"d":{"c":[{"exists":false}]}})", R"({"d":{"c":{"x":1}}})"));
  EXPECT_FALSE(match(R"({"d":{"c":[{"exists":true}]}})", R"({"d":{"c":{"x":1}}})"));
  EXPECT_TRUE(match(R"({"d":{"c":[{"exists":true}]}})", R"({"d":{"c":null}})"));
  EXPECT_FALSE(match(R"({"d":{"c":[{"exists":true}]}})", R"({"d":{"c":[]}})"));
  EXPECT_TRUE(match(R"({"d":{"c":[{"exists":false}]}})", R"({"d":{"c":[]}})"));
  EXPECT_TRUE(match(R"({"d":{"c":[{"exists":true}]}})", R"({"d":{"c":[1]}})"));
  EXPECT_EQ(rejection(R"({"c":[{"exists":"yes"}]})"),
            "Event pattern is not valid. Reason: exists match pattern must be either true or false.");
}

TEST(EventPattern, Cidr) {
  EXPECT_TRUE(match(R"({"ip":[{"cidr":"10.0.0.0/24"}]})", R"({"ip":"10.0.0.255"})"));
  EXPECT_FALSE(match(R"({"ip":[{"cidr":"10.0.0.0/24"}]})", R"({"ip":"10.0.1.0"})"));
  EXPECT_TRUE(match(R"({"ip":[{"cidr":"10.0.0.0/9"}]})", R"({"ip":"10.127.3.4"})"));
  EXPECT_FALSE(match(R"({"ip":[{"cidr":"10.0.0.0/9"}]})", R"({"ip":"10.128.3.4"})"));
  EXPECT_TRUE(match(R"({"ip":[{"cidr":"0.0.0.0/0"}]})", R"({"ip":"192.168.1.1"})"));
  EXPECT_FALSE(match(R"({"ip":[{"cidr":"10.0.0.0/24"}]})", R"({"ip":"not an ip"})"));
  EXPECT_TRUE(match(R"({"ip":[{"cidr":"2001:db8::/32"}]})", R"({"ip":"2001:db8:1::5"})"));
  EXPECT_FALSE(match(R"({"ip":[{"cidr":"2001:db8::/32"}]})", R"({"ip":"2001:db9::5"})"));
  EXPECT_FALSE(match(R"({"ip":[{"cidr":"2001:db8::/32"}]})", R"({"ip":"10.0.0.1"})"));
  EXPECT_NE(rejection(R"({"ip":[{"cidr":"10.0.0.0"}]})"), "<accepted>");
  EXPECT_NE(rejection(R"({"ip":[{"cidr":"10.0.0.0/33"}]})"), "<accepted>");
  EXPECT_NE(rejection(R"({"ip":[{"cidr":"10.0.0/8"}]})"), "<accepted>");
}

TEST(EventPattern, ArraysOfObjectsMatchElementWise) {
  constexpr std::string_view kEvent = R"({"e":[{"f":"Anna","l":"Smith"},{"f":"Peter","l":"Jones"}]})";
  EXPECT_FALSE(match(R"({"e":{"f":["Anna"],"l":["Jones"]}})", kEvent));
  EXPECT_TRUE(match(R"({"e":{"f":["Anna"],"l":["Smith"]}})", kEvent));
  EXPECT_TRUE(match(R"({"e":{"l":["Jones"]}})", kEvent));
  // A leaf in the event where the pattern expects an object.
  EXPECT_FALSE(match(R"({"d":{"s":{"t":["a"]}}})", R"({"d":{"s":"a"}})"));
  // Nested arrays are flattened for leaves.
  EXPECT_TRUE(match(R"({"a":["x"]})", R"({"a":[["y"],["x"]]})"));
}

TEST(EventPattern, OrAcrossFields) {
  EXPECT_TRUE(match(R"({"$or":[{"a":[1]},{"b":[2]}]})", R"({"a":9,"b":2})"));
  EXPECT_FALSE(match(R"({"$or":[{"a":[1]},{"b":[2]}]})", R"({"a":9,"b":3})"));
  constexpr std::string_view kDoc =
      R"({"detail":{"$or":[{"c-count":[{"numeric":[">",0,"<=",5]}]},{"d-count":[{"numeric":["<",10]}]},)"
      R"({"x-limit":[{"anything-but":[100,200,300]}]}]}})";
  EXPECT_TRUE(match(kDoc, R"({"detail":{"c-count":3}})"));
  EXPECT_TRUE(match(kDoc, R"({"detail":{"x-limit":301}})"));
  EXPECT_FALSE(match(kDoc, R"({"detail":{"c-count":7,"d-count":11,"x-limit":100}})"));
  // Nested $or and AND with fields beside it.
  constexpr std::string_view kNested =
      R"({"source":["s"],"$or":[{"a":["1"]},{"$or":[{"b":["2"]},{"c":["3"]}]}]})";
  EXPECT_TRUE(match(kNested, R"({"source":"s","c":"3"})"));
  EXPECT_FALSE(match(kNested, R"({"source":"t","c":"3"})"));
  EXPECT_FALSE(match(kNested, R"({"source":"s","c":"4"})"));
}

TEST(EventPattern, LastDuplicateKeyWins) {
  EXPECT_TRUE(match(R"({"a":["1"],"a":["2"]})", R"({"a":"2"})"));
  EXPECT_FALSE(match(R"({"a":["1"],"a":["2"]})", R"({"a":"1"})"));
}

TEST(EventPattern, RejectsInvalidPatternsWithAwsWording) {
  EXPECT_EQ(rejection(R"({"detail":{"pipeline":{"slug":"some-pipeline"}}})"),
            "Event pattern is not valid. Reason: \"slug\" must be an object or an array");
  EXPECT_EQ(rejection(R"({"source":["aws.health"],"detail":{}})"),
            "Event pattern is not valid. Reason: Empty objects are not allowed");
  EXPECT_EQ(rejection(R"({"a":[]})"), "Event pattern is not valid. Reason: Empty arrays are not allowed");
  EXPECT_EQ(rejection(R"({"a":[{"suffix":["x"]}]})"),
            "Event pattern is not valid. Reason: suffix match pattern must be a string");
  EXPECT_EQ(rejection(R"({"a":[{"prefix":5}]})"),
            "Event pattern is not valid. Reason: prefix match pattern must be a string");
  EXPECT_EQ(rejection(R"({"a":[{"regex":"x"}]})"),
            "Event pattern is not valid. Reason: Unrecognized match type regex");
  EXPECT_EQ(rejection(R"({"a":[{"prefix":"x","suffix":"y"}]})"),
            "Event pattern is not valid. Reason: Only one key allowed in match expression");
  EXPECT_EQ(rejection(R"({"a":[["x"]]})"),
            "Event pattern is not valid. Reason: Match value must be String, number, true, false, or null");
  EXPECT_NE(rejection(R"({"a":[{"anything-but":[true]}]})"), "<accepted>");
  EXPECT_NE(rejection(R"({"a":[{"anything-but":["a",1]}]})"), "<accepted>");
  EXPECT_NE(rejection(R"({"a":[{"anything-but":{"numeric":[">",1]}}]})"), "<accepted>");
  EXPECT_NE(rejection(R"({"a":[{"equals-ignore-case":5}]})"), "<accepted>");
  EXPECT_NE(rejection(R"(["a"])"), "<accepted>");
  EXPECT_NE(rejection(R"({"a":"x"})"), "<accepted>");
  EXPECT_NE(rejection(R"({"$or":[{"a":["1"]}]})"), "<accepted>");  // fewer than 2 branches
  EXPECT_NE(rejection("{not json"), "<accepted>");
}

TEST(EventPattern, OrCombinationLimit) {
  // 10 * 10 * 10 = 1000 combinations are allowed, 10 * 10 * 11 are not.
  auto group = [](int branches, char name) {
    std::string s = R"("$or":[)";
    for (int i = 0; i < branches; ++i) {
      if (i) s.push_back(',');
      s.append("{\"").push_back(name);
      s.append(std::to_string(i)).append("\":[1]}");
    }
    return s.append("]");
  };
  std::string ok = "{\"x\":{";
  ok.append(group(10, 'a'))
      .append("},\"y\":{")
      .append(group(10, 'b'))
      .append("},\"z\":{")
      .append(group(10, 'c'));
  ok.append("}}");
  EXPECT_EQ(rejection(ok), "<accepted>");
  std::string bad = "{\"x\":{";
  bad.append(group(10, 'a'))
      .append("},\"y\":{")
      .append(group(10, 'b'))
      .append("},\"z\":{")
      .append(group(11, 'c'));
  bad.append("}}");
  EXPECT_NE(rejection(bad), "<accepted>");
}

TEST(EventPattern, StepFunctionsStatusChangeRule) {
  constexpr std::string_view kPattern =
      R"({"source":["aws.states"],"detail-type":["Step Functions Execution Status Change"],)"
      R"("detail":{"status":["FAILED","TIMED_OUT","ABORTED"],"stateMachineArn":["arn:aws:states:us-east-1:1:stateMachine:m"]}})";
  constexpr std::string_view kEvent =
      R"({"version":"0","id":"x","detail-type":"Step Functions Execution Status Change","source":"aws.states",)"
      R"("account":"1","time":"2019-02-26T19:42:21Z","region":"us-east-1","resources":["arn"],)"
      R"("detail":{"status":"TIMED_OUT","stateMachineArn":"arn:aws:states:us-east-1:1:stateMachine:m","output":null}})";
  EXPECT_TRUE(match(kPattern, kEvent));
}

}  // namespace
}  // namespace sg::events
