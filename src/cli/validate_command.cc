#include "cli/validate_command.h"

#include <CLI/CLI.hpp>
#include <iostream>

#include "asl/validator.h"
#include "cli/definition_file.h"
#include "json/parse.h"
#include "json/value.h"

namespace sg::cli {

namespace {

constexpr int kExitOk = 0;
constexpr int kExitInvalid = 1;
constexpr int kExitUsage = 2;

void print_text(const std::string& file, const std::vector<asl::Diagnostic>& diags) {
  if (diags.empty()) {
    std::cout << file << ": OK\n";
    return;
  }
  print_diagnostics(std::cout, file, diags);
}

json::Value to_json(const std::vector<asl::Diagnostic>& diags, const std::string* file) {
  std::vector<json::Value> items;
  items.reserve(diags.size());
  for (const asl::Diagnostic& d : diags) {
    json::ObjectBuilder b(4);
    b.add("severity", json::Value::string(std::string_view(asl::severity_name(d.severity))));
    b.add("code", json::Value::string(d.code));
    b.add("message", json::Value::string(d.message));
    if (!d.location.empty()) b.add("location", json::Value::string(d.location));
    items.push_back(std::move(b).build());
  }
  json::ObjectBuilder out(3);
  if (file) out.add("file", json::Value::string(*file));
  out.add("result", json::Value::string(std::string_view(asl::has_errors(diags) ? "FAIL" : "OK")));
  out.add("diagnostics", json::Value::array(std::move(items)));
  return std::move(out).build();
}

}  // namespace

int validate_command(const std::vector<std::string>& args) {
  CLI::App app{"Check state machine definitions the way AWS ValidateStateMachineDefinition does",
               "stepguard validate"};
  std::vector<std::string> files;
  std::string format = "text";
  bool express = false;
  app.add_option("files", files, "Definition files (JSON or YAML)")->required();
  app.add_option("--format", format, "Output format: text (default) or json")
      ->check(CLI::IsMember({"text", "json"}));
  app.add_flag("--express", express, "Apply the EXPRESS workflow rules");
  std::vector<std::string> argv_rev(args.rbegin(), args.rend());
  try {
    app.parse(argv_rev);
  } catch (const CLI::CallForHelp&) {
    std::cout << app.help();
    return kExitOk;
  } catch (const CLI::ParseError& e) {
    std::cerr << "stepguard validate: " << e.what() << "\n";
    return kExitUsage;
  }

  asl::ValidateOptions opts;
  opts.express = express;
  bool any_error = false, unreadable = false;
  std::vector<json::Value> reports;
  for (const std::string& file : files) {
    Result<std::string> text = read_file(file);
    std::vector<asl::Diagnostic> diags;
    if (!text) {
      std::cerr << "stepguard validate: " << text.error().message << "\n";
      unreadable = true;
      if (format != "json") continue;
      diags.push_back(asl::Diagnostic{asl::Severity::kError, "READ_FAILED", text.error().message, ""});
    } else {
      diags = check_definition(file, *text, opts);
    }
    any_error = any_error || asl::has_errors(diags);
    if (format == "json") {
      reports.push_back(to_json(diags, files.size() > 1 ? &file : nullptr));
    } else {
      print_text(file, diags);
    }
  }
  if (format == "json") {
    if (files.size() == 1) {
      if (!reports.empty()) std::cout << reports[0].dump_pretty() << "\n";
    } else {
      std::cout << json::Value::array(std::move(reports)).dump_pretty() << "\n";
    }
  }
  return any_error || unreadable ? kExitInvalid : kExitOk;
}

}  // namespace sg::cli
