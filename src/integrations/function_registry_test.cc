#include "integrations/function_registry.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "integrations/lambda_function_ref.h"

namespace sg::integrations {
namespace {

constexpr std::string_view kRegion = "us-east-1";
constexpr std::string_view kAccount = "123456789012";

// ---- Function references -------------------------------------------------------------

struct RefCase {
  std::string text;
  std::string region, account, name, qualifier;
};

TEST(FunctionRef, ParsesEveryFunctionNameForm) {
  const RefCase cases[] = {
      {"my-fn", "", "", "my-fn", ""},
      {"my-fn:prod", "", "", "my-fn", "prod"},
      {"my-fn:$LATEST", "", "", "my-fn", "$LATEST"},
      {"my-fn:7", "", "", "my-fn", "7"},
      {"123456789012:function:my-fn", "", "123456789012", "my-fn", ""},
      {"123456789012:function:my-fn:prod", "", "123456789012", "my-fn", "prod"},
      {"eu-west-1:123456789012:function:my_fn", "eu-west-1", "123456789012", "my_fn", ""},
      {"arn:aws:lambda:us-east-1:123456789012:function:my-fn", "us-east-1", "123456789012", "my-fn", ""},
      {"arn:aws:lambda:us-east-1:123456789012:function:my-fn:$LATEST", "us-east-1", "123456789012", "my-fn",
       "$LATEST"},
      {"arn:aws-cn:lambda:cn-north-1:123456789012:function:my-fn:3", "cn-north-1", "123456789012", "my-fn",
       "3"},
  };
  for (const RefCase& c : cases) {
    auto ref = parse_function_ref(c.text);
    ASSERT_TRUE(ref.has_value()) << c.text;
    EXPECT_EQ(ref->region, c.region) << c.text;
    EXPECT_EQ(ref->account, c.account) << c.text;
    EXPECT_EQ(ref->name, c.name) << c.text;
    EXPECT_EQ(ref->qualifier, c.qualifier) << c.text;
  }
}

TEST(FunctionRef, RejectsWhatLambdaRejects) {
  for (std::string_view bad : {"", "my fn", "fn:", ":prod", "fn:a:b", "12345:function:fn",
                               "arn:aws:lambda:us-east-1:123456789012:fn", "arn:aws:s3:::bucket",
                               "arn:aws:lambda:us-east-1:123456789012:function:", "fn:pr.od",
                               "arn:aws:lambda:us-east-1:123456789012:function:fn:1:2"}) {
    EXPECT_FALSE(parse_function_ref(bad).has_value()) << bad;
  }
}

TEST(FunctionRef, QualifiedArnFillsDefaults) {
  EXPECT_EQ(qualified_function_arn(*parse_function_ref("x"), kRegion, kAccount),
            "arn:aws:lambda:us-east-1:123456789012:function:x:$LATEST");
  EXPECT_EQ(
      qualified_function_arn(*parse_function_ref("arn:aws:lambda:eu-west-1:111122223333:function:x:prod"),
                             kRegion, kAccount),
      "arn:aws:lambda:eu-west-1:111122223333:function:x:prod");
  EXPECT_EQ(qualified_function_arn(*parse_function_ref("111122223333:function:x"), kRegion, kAccount),
            "arn:aws:lambda:us-east-1:111122223333:function:x:$LATEST");
}

TEST(FunctionRef, RecognisesFunctionArnResources) {
  EXPECT_TRUE(is_lambda_function_arn("arn:aws:lambda:us-east-1:123456789012:function:fn"));
  EXPECT_TRUE(is_lambda_function_arn("arn:aws:lambda:us-east-1:123456789012:function:fn:prod"));
  EXPECT_FALSE(is_lambda_function_arn("fn"));
  EXPECT_FALSE(is_lambda_function_arn("123456789012:function:fn"));
  EXPECT_FALSE(is_lambda_function_arn("arn:aws:states:::lambda:invoke"));
}

// ---- Specs -------------------------------------------------------------------------------

TEST(FunctionSpec, CommandAndUrlSpecs) {
  auto cmd = parse_function_spec("my-fn=python3 handler.py --flag=1");
  ASSERT_TRUE(cmd.ok());
  EXPECT_EQ(cmd->key, "my-fn");
  EXPECT_EQ(cmd->kind, FunctionSpec::Kind::kCommand);
  EXPECT_EQ(cmd->target, "python3 handler.py --flag=1");

  auto url = parse_function_spec("other=http://127.0.0.1:9000/invoke");
  ASSERT_TRUE(url.ok());
  EXPECT_EQ(url->kind, FunctionSpec::Kind::kHttp);
  EXPECT_EQ(url->target, "http://127.0.0.1:9000/invoke");

  auto tls = parse_function_spec("arn:aws:lambda:us-east-1:123456789012:function:f=HTTPS://example.com/f");
  ASSERT_TRUE(tls.ok());
  EXPECT_EQ(tls->key, "arn:aws:lambda:us-east-1:123456789012:function:f");
  EXPECT_EQ(tls->kind, FunctionSpec::Kind::kHttp);
}

TEST(FunctionSpec, MalformedSpecsAreExplained) {
  auto no_eq = parse_function_spec("my-fn");
  ASSERT_FALSE(no_eq.ok());
  EXPECT_EQ(no_eq.error().message, "--function expects NAME=COMMAND or NAME=URL, got 'my-fn'");
  auto no_name = parse_function_spec("=cat");
  ASSERT_FALSE(no_name.ok());
  EXPECT_EQ(no_name.error().message, "--function '=cat' has no function name before '='");
  auto no_cmd = parse_function_spec("fn=  ");
  ASSERT_FALSE(no_cmd.ok());
  EXPECT_EQ(no_cmd.error().message, "--function 'fn=  ' has no command or URL after '='");

  auto bad_name = FunctionRegistry::from_specs({"my fn=cat"});
  ASSERT_FALSE(bad_name.ok());
  EXPECT_NE(bad_name.error().message.find("'my fn' is not a Lambda function name or ARN"), std::string::npos);
  auto twice = FunctionRegistry::from_specs({"fn=cat", "fn=tac"});
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.error().message, "--function fn: function 'fn' is configured more than once");
  auto no_host = FunctionRegistry::from_specs({"fn=http:///x"});
  ASSERT_FALSE(no_host.ok());
  EXPECT_NE(no_host.error().message.find("URL without a host"), std::string::npos);
}

// ---- Resolution --------------------------------------------------------------------------

std::string resolved_target(const FunctionRegistry& r, std::string_view reference) {
  auto ref = parse_function_ref(reference);
  if (!ref) return "<invalid>";
  auto i = r.resolve(*ref, kRegion, kAccount);
  return i ? r.entries()[*i].target : "<none>";
}

TEST(FunctionRegistry, BareNameServesEveryFormAndQualifier) {
  auto r = FunctionRegistry::from_specs({"my-fn=bare"});
  ASSERT_TRUE(r.ok());
  for (std::string_view ref :
       {"my-fn", "my-fn:prod", "my-fn:$LATEST", "my-fn:12", "123456789012:function:my-fn",
        "999999999999:function:my-fn:prod", "arn:aws:lambda:us-east-1:123456789012:function:my-fn",
        "arn:aws:lambda:eu-west-1:123456789012:function:my-fn:prod"}) {
    EXPECT_EQ(resolved_target(*r, ref), "bare") << ref;
  }
  EXPECT_EQ(resolved_target(*r, "other-fn"), "<none>");
  EXPECT_EQ(resolved_target(*r, "my-fn2"), "<none>");
}

TEST(FunctionRegistry, ArnKeyedEntriesMatchTheirRegionAccountAndQualifier) {
  auto r = FunctionRegistry::from_specs({
      "fn=bare",
      "arn:aws:lambda:us-east-1:123456789012:function:fn=arn",
      "arn:aws:lambda:us-east-1:123456789012:function:fn:prod=prod-alias",
      "fn:7=version-7",
      "111122223333:function:fn=other-account",
  });
  ASSERT_TRUE(r.ok()) << r.error().message;
  struct Case {
    std::string_view ref, target;
  } cases[] = {
      {"fn", "arn"},  // defaults make it us-east-1/123456789012, where the ARN entry is more specific
      {"fn:$LATEST", "arn"},
      {"fn:beta", "arn"},
      {"fn:prod", "prod-alias"},
      {"arn:aws:lambda:us-east-1:123456789012:function:fn:prod", "prod-alias"},
      {"123456789012:function:fn:prod", "prod-alias"},
      {"fn:7", "version-7"},
      {"arn:aws:lambda:eu-west-1:123456789012:function:fn", "bare"},
      {"arn:aws:lambda:eu-west-1:123456789012:function:fn:prod", "bare"},
      {"111122223333:function:fn", "other-account"},
      {"arn:aws:lambda:eu-west-1:111122223333:function:fn:prod", "other-account"},
  };
  for (const Case& c : cases) EXPECT_EQ(resolved_target(*r, c.ref), c.target) << c.ref;
}

TEST(FunctionRegistry, QualifiedKeysServeOnlyThatQualifier) {
  auto r = FunctionRegistry::from_specs({"arn:aws:lambda:us-east-1:123456789012:function:fn:prod=prod"});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(resolved_target(*r, "fn:prod"), "prod");
  EXPECT_EQ(resolved_target(*r, "fn"), "<none>");
  EXPECT_EQ(resolved_target(*r, "fn:$LATEST"), "<none>");
  auto latest = FunctionRegistry::from_specs({"fn:$LATEST=latest"});
  ASSERT_TRUE(latest.ok());
  EXPECT_EQ(resolved_target(*latest, "fn"), "latest");  // unqualified means $LATEST
  EXPECT_EQ(resolved_target(*latest, "fn:prod"), "<none>");
}

TEST(FunctionRegistry, MergeLetsCommandLineEntriesOverrideFileEntries) {
  auto file = FunctionRegistry::from_specs({"a=file-a", "b=file-b"});
  auto cli = FunctionRegistry::from_specs({"b=cli-b", "c=cli-c"});
  ASSERT_TRUE(file.ok() && cli.ok());
  FunctionRegistry merged = FunctionRegistry::merge(*file, *cli);
  EXPECT_EQ(merged.size(), 3u);
  EXPECT_EQ(resolved_target(merged, "a"), "file-a");
  EXPECT_EQ(resolved_target(merged, "b"), "cli-b");
  EXPECT_EQ(resolved_target(merged, "c"), "cli-c");
  FunctionRegistry copy = merged;  // registries are values: copies resolve the same
  EXPECT_EQ(resolved_target(copy, "b"), "cli-b");
}

// ---- YAML files --------------------------------------------------------------------------

Result<FunctionRegistry> from_yaml(std::string_view text) {
  return FunctionRegistry::from_yaml_text(text, "fns.yaml", "/base");
}

TEST(FunctionsFile, ShortAndLongForms) {
  auto r = from_yaml(R"(
functions:
  my-fn: python3 handler.py            # short form: command
  other: http://127.0.0.1:9000/invoke  # short form: URL
  third:
    command: ./check.sh
    timeout_seconds: 30
    environment: {KEY: value, VERSION: 1.10, PORT: 8080, EMPTY: }
    working_directory: ./fns
  fourth:
    url: https://example.com/fn
    timeout_seconds: 5
  arn:aws:lambda:us-east-1:123456789012:function:fifth:prod: cat
)");
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->size(), 5u);
  const auto& e = r->entries();
  EXPECT_EQ(e[0].key, "my-fn");
  EXPECT_EQ(e[0].kind, FunctionSpec::Kind::kCommand);
  EXPECT_EQ(e[0].target, "python3 handler.py");
  EXPECT_EQ(e[0].origin, "fns.yaml:3");
  EXPECT_EQ(e[1].kind, FunctionSpec::Kind::kHttp);
  EXPECT_EQ(e[1].target, "http://127.0.0.1:9000/invoke");
  EXPECT_EQ(e[2].target, "./check.sh");
  EXPECT_EQ(e[2].timeout_seconds, 30);
  using Env = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(e[2].environment, (Env{{"KEY", "value"}, {"VERSION", "1.10"}, {"PORT", "8080"}, {"EMPTY", ""}}));
  EXPECT_EQ(e[2].working_directory, "/base/fns");
  EXPECT_EQ(e[3].kind, FunctionSpec::Kind::kHttp);
  EXPECT_EQ(e[3].timeout_seconds, 5);
  EXPECT_EQ(resolved_target(*r, "fifth:prod"), "cat");
  EXPECT_EQ(resolved_target(*r, "fifth"), "<none>");
}

TEST(FunctionsFile, EmptyFunctionsMappingIsAnEmptyRegistry) {
  auto r = from_yaml("functions:\n");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->empty());
}

TEST(FunctionsFile, ErrorsNameTheFileLineAndKey) {
  struct Case {
    std::string_view yaml, message;
  } cases[] = {
      {"functions:\n  f:\n    command: cat\n    timeout_seconds: abc\n",
       "fns.yaml:4:22: functions.f.timeout_seconds must be a positive integer, got 'abc'"},
      {"functions:\n  f:\n    command: cat\n    timeout_seconds: 0\n",
       "fns.yaml:4:22: functions.f.timeout_seconds must be a positive integer, got '0'"},
      {"functions:\n  f:\n    comand: cat\n",
       "fns.yaml:3:5: unknown key 'comand' in functions.f (expected command, url, lambda_endpoint, "
       "timeout_seconds, environment, working_directory, max_concurrency, function_name)"},
      {"functions:\n  f:\n    timeout_seconds: 3\n",
       "fns.yaml:3:5: functions.f must have a 'command', a 'url' or a 'lambda_endpoint'"},
      {"functions:\n  f:\n    command: cat\n    url: http://x/\n",
       "fns.yaml:4:5: functions.f must have exactly one of 'command' or 'url'"},
      {"functions:\n  f:\n    url: ftp://x/\n",
       "fns.yaml:3:10: functions.f.url must start with http:// or https://, got 'ftp://x/'"},
      {"functions:\n  f:\n    url: http://x/\n    environment: {A: b}\n",
       "fns.yaml:4:18: functions.f.environment is for commands only"},
      {"functions:\n  f:\n    command: cat\n    environment: [A]\n",
       "fns.yaml:4:18: functions.f.environment must be a mapping, got a list"},
      {"functions:\n  f:\n    command: cat\n    environment: {A: [1]}\n",
       "fns.yaml:4:22: functions.f.environment.A must be a scalar, got a list"},
      {"functions:\n  f: [cat]\n",
       "fns.yaml:2:3: functions.f must be a command, a URL or a mapping, got a list"},
      {"functions:\n  f:\n", "fns.yaml:2:3: functions.f must be a command, a URL or a mapping, got nothing"},
      {"functions:\n  bad name: cat\n",
       "fns.yaml:2:3: functions.bad name: not a Lambda function name or ARN (expected NAME, NAME:QUALIFIER, "
       "ACCOUNT:function:NAME or arn:aws:lambda:REGION:ACCOUNT:function:NAME)"},
      {"functions:\n  f: cat\n  f: tac\n", "fns.yaml:3:3: function 'f' is configured more than once"},
      {"functions: [a, b]\n", "fns.yaml:1:12: 'functions' must be a mapping of function names, got a list"},
      {"function:\n  f: cat\n", "fns.yaml:1:1: unknown top-level key 'function' (expected 'functions')"},
      {"", "fns.yaml: expected a mapping with a 'functions' key, got nothing"},
      {"functions:\n  f: {command: cat\n", "fns.yaml:3:1: invalid YAML: end of map flow not found"},
  };
  for (const Case& c : cases) {
    auto r = from_yaml(c.yaml);
    ASSERT_FALSE(r.ok()) << c.yaml;
    EXPECT_EQ(r.error().code, "INVALID_FUNCTIONS_FILE");
    EXPECT_EQ(r.error().message, c.message) << c.yaml;
  }
}

TEST(FunctionsFile, ReadsFilesAndResolvesWorkingDirectoriesAgainstTheirFolder) {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("sg_functions_file_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  fs::path file = dir / "functions.yaml";
  std::ofstream(file) << "functions:\n  f:\n    command: ./run.sh\n    working_directory: sub\n  g:\n"
                         "    command: cat\n    working_directory: /abs/dir\n";
  auto r = FunctionRegistry::from_yaml_file(file.string());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->entries()[0].working_directory, (dir / "sub").string());
  EXPECT_EQ(r->entries()[1].working_directory, "/abs/dir");
  EXPECT_EQ(r->entries()[0].origin, file.string() + ":3");

  auto missing = FunctionRegistry::from_yaml_file((dir / "nope.yaml").string());
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().message,
            "functions file: cannot read '" + (dir / "nope.yaml").string() + "': No such file or directory");
  fs::remove_all(dir);
}

TEST(FunctionRegistry, InvalidUrlsAreRefusedUpFront) {
  for (const char* url : {"http://127.0.0.1:99999/", "http://[::1", "http://127.0.0.1:0/"}) {
    auto r = FunctionRegistry::from_specs({std::string("f=") + url});
    ASSERT_FALSE(r.ok()) << url;
    EXPECT_EQ(r.error().message, std::string("--function f: function 'f' has an invalid URL: '") + url + "'");
  }
  EXPECT_TRUE(FunctionRegistry::from_specs({"f=http://[::1]:8080/fn"}).ok());
}

}  // namespace
}  // namespace sg::integrations
