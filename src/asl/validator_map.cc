// Map state checks: processor and ProcessorConfig, inline vs distributed fields, ItemsPath,
// selectors, concurrency and tolerance, ItemReader, ItemBatcher, ResultWriter, Label.
#include <string_view>

#include "asl/validator_internal.h"

namespace sg::asl::validator_detail {

namespace {

// Fields AWS accepts on a Map only in DISTRIBUTED mode. In INLINE mode they are rejected as
// unsupported fields (ProcessorConfig.ExecutionType likewise; AWS-measured for
// ExecutionType, assumed for the others).
constexpr std::string_view kDistributedOnly[] = {"ItemReader", "ItemBatcher", "ResultWriter", "Label"};

bool is_s3_arn(std::string_view r, std::initializer_list<std::string_view> actions) {
  // arn:<partition>:states:::s3:<action>
  if (!r.starts_with("arn:")) return false;
  size_t p = r.find(':', 4);
  if (p == std::string_view::npos || p == 4) return false;
  std::string_view rest = r.substr(p);
  constexpr std::string_view kPrefix = ":states:::s3:";
  if (!rest.starts_with(kPrefix)) return false;
  for (std::string_view a : actions)
    if (rest.substr(kPrefix.size()) == a) return true;
  return false;
}

void jsonpath_field_rules(Checker& c, const json::Value& obj, Lang lang, std::string_view jsonpath_field,
                          std::string_view jsonata_field, const std::string& loc) {
  if (lang == Lang::kJsonPath && obj.find(jsonata_field)) {
    c.schema("The QueryLanguage is set to 'JSONPath', but field '" + std::string(jsonata_field) +
                 "' is only supported for the 'JSONata' QueryLanguage",
             loc);
  }
  if (lang == Lang::kJsonata && obj.find(jsonpath_field)) {
    c.schema("The QueryLanguage is set to 'JSONata', but field '" + std::string(jsonpath_field) +
                 "' is only supported for the 'JSONPath' QueryLanguage",
             loc);
  }
}

void reject_unknown(Checker& c, const json::Value& obj, std::initializer_list<std::string_view> allowed,
                    const std::string& loc) {
  for (const json::Member& m : obj.members()) {
    bool ok = false;
    for (std::string_view a : allowed) ok = ok || m.name() == a;
    if (!ok) c.unsupported(m.name(), loc);
  }
}

}  // namespace

void Checker::check_map(const json::Value& st, Lang lang, const std::string& loc, int depth) {
  bool has_processor = st.find("ItemProcessor") != nullptr;
  bool has_iterator = st.find("Iterator") != nullptr;
  if (has_processor && has_iterator) {
    schema("There should only be one of the following fields: [ItemProcessor, Iterator]", loc);
  } else if (!has_processor && !has_iterator) {
    schema("This object should have only one of the following fields: [ItemProcessor, Iterator]", loc);
  }
  bool distributed = false;
  std::string_view proc_field = has_processor ? "ItemProcessor" : "Iterator";
  const json::Value* proc = st.find(proc_field);
  std::string ploc = at(loc, proc_field);
  if (proc && proc->is_object()) {
    if (const json::Value* pc = proc->find("ProcessorConfig")) {
      std::string pcloc = at(ploc, "ProcessorConfig");
      if (expect_object(*pc, pcloc)) {
        reject_unknown(*this, *pc, {"Mode", "ExecutionType"}, pcloc);
        const json::Value* mode = pc->find("Mode");
        if (mode) check_enum(*mode, {"INLINE", "DISTRIBUTED"}, at(pcloc, "Mode"));
        distributed = mode && mode->is_string() && mode->as_string() == "DISTRIBUTED";
        const json::Value* et = pc->find("ExecutionType");
        if (distributed) {
          if (opts_.express) {
            schema(
                "The field 'Mode' with value 'DISTRIBUTED' is not supported inside 'EXPRESS' state machines",
                at(pcloc, "Mode"));
          }
          if (!et) schema("These fields are required: [ExecutionType]", pcloc);
        } else if (et) {
          unsupported("ExecutionType", pcloc);
        }
        if (et && distributed) check_enum(*et, {"STANDARD", "EXPRESS"}, at(pcloc, "ExecutionType"));
      }
    }
  }
  if (!distributed) {
    for (std::string_view f : kDistributedOnly)
      if (st.find(f)) unsupported(f, loc);
  }

  if (lang == Lang::kJsonPath) {
    if (const json::Value* v = st.find("ItemsPath"))
      check_reference_path(*v, Roots::kAny, false, at(loc, "ItemsPath"));
    if (exclusive(st, {"ItemSelector", "Parameters"}, loc)) {
      if (const json::Value* v = st.find("ItemSelector")) check_template(*v, at(loc, "ItemSelector"));
      if (const json::Value* v = st.find("Parameters")) check_template(*v, at(loc, "Parameters"));
    }
    if (const json::Value* v = st.find("ResultSelector")) check_template(*v, at(loc, "ResultSelector"));
    if (const json::Value* v = st.find("ResultPath"))
      check_reference_path(*v, Roots::kInputOnly, true, at(loc, "ResultPath"));
  }
  if (exclusive(st, {"MaxConcurrency", "MaxConcurrencyPath"}, loc) && lang == Lang::kJsonPath) {
    if (const json::Value* v = st.find("MaxConcurrency"))
      check_int(*v, "MaxConcurrency", 0, {}, at(loc, "MaxConcurrency"));
  }
  if (exclusive(st, {"ToleratedFailurePercentage", "ToleratedFailurePercentagePath"}, loc) &&
      lang == Lang::kJsonPath) {
    if (const json::Value* v = st.find("ToleratedFailurePercentage"))
      check_number(*v, "ToleratedFailurePercentage", 0.0, 100.0, at(loc, "ToleratedFailurePercentage"));
  }
  if (exclusive(st, {"ToleratedFailureCount", "ToleratedFailureCountPath"}, loc) && lang == Lang::kJsonPath) {
    if (const json::Value* v = st.find("ToleratedFailureCount"))
      check_int(*v, "ToleratedFailureCount", 0, {}, at(loc, "ToleratedFailureCount"));
  }
  if (lang == Lang::kJsonPath) {
    for (std::string_view f :
         {"MaxConcurrencyPath", "ToleratedFailurePercentagePath", "ToleratedFailureCountPath"})
      if (const json::Value* v = st.find(f)) check_reference_path(*v, Roots::kNoContext, false, at(loc, f));
  }
  if (distributed) {
    if (const json::Value* v = st.find("ItemReader")) check_item_reader(*v, lang, at(loc, "ItemReader"));
    if (const json::Value* v = st.find("ItemBatcher")) check_item_batcher(*v, lang, at(loc, "ItemBatcher"));
    if (const json::Value* v = st.find("ResultWriter"))
      check_result_writer(*v, lang, at(loc, "ResultWriter"));
    if (const json::Value* v = st.find("Label")) check_label(*v, at(loc, "Label"));
  }
  if (proc) check_container(*proc, ploc, /*processor=*/true, depth + 1);
}

void Checker::check_item_reader(const json::Value& v, Lang lang, const std::string& loc) {
  if (!expect_object(v, loc)) return;
  reject_unknown(*this, v, {"Resource", "Parameters", "Arguments", "ReaderConfig"}, loc);
  jsonpath_field_rules(*this, v, lang, "Parameters", "Arguments", loc);
  required({"Resource"}, v, loc);
  if (const json::Value* r = v.find("Resource"); r && expect_string(*r, at(loc, "Resource"))) {
    if (!is_s3_arn(r->as_string(), {"getObject", "listObjectsV2"}))
      schema("The field 'Resource' does not match any of the allowed values", at(loc, "Resource"));
  }
  if (const json::Value* p = v.find("Parameters"); p && lang == Lang::kJsonPath)
    check_template(*p, at(loc, "Parameters"));
  const json::Value* rc = v.find("ReaderConfig");
  if (!rc) return;
  std::string rloc = at(loc, "ReaderConfig");
  if (!expect_object(*rc, rloc)) return;
  reject_unknown(*this, *rc,
                 {"InputType", "CSVHeaderLocation", "CSVHeaders", "CSVDelimiter", "MaxItems", "MaxItemsPath",
                  "ManifestType", "Transformation", "ItemsPointer"},
                 rloc);
  const json::Value* input_type = rc->find("InputType");
  if (input_type)
    check_enum(*input_type, {"CSV", "JSON", "JSONL", "PARQUET", "MANIFEST"}, at(rloc, "InputType"));
  bool csv = input_type && input_type->is_string() && input_type->as_string() == "CSV";
  if (const json::Value* hl = rc->find("CSVHeaderLocation")) {
    if (input_type && input_type->is_string() && !csv) unsupported("CSVHeaderLocation", rloc);
    check_enum(*hl, {"FIRST_ROW", "GIVEN"}, at(rloc, "CSVHeaderLocation"));
    if (hl->is_string() && hl->as_string() == "GIVEN") required({"CSVHeaders"}, *rc, rloc);
  }
  if (const json::Value* h = rc->find("CSVHeaders"); h && expect_array(*h, at(rloc, "CSVHeaders"))) {
    for (size_t i = 0; i < h->size(); ++i) expect_string((*h)[i], index(at(rloc, "CSVHeaders"), i));
  }
  if (const json::Value* d = rc->find("CSVDelimiter"))
    check_enum(*d, {"COMMA", "PIPE", "SEMICOLON", "SPACE", "TAB"}, at(rloc, "CSVDelimiter"));
  if (const json::Value* m = rc->find("ManifestType"))
    check_enum(*m, {"ATHENA_DATA", "S3_INVENTORY"}, at(rloc, "ManifestType"));
  if (const json::Value* t = rc->find("Transformation"))
    check_enum(*t, {"NONE", "LOAD_AND_FLATTEN"}, at(rloc, "Transformation"));
  if (const json::Value* p = rc->find("ItemsPointer")) expect_string(*p, at(rloc, "ItemsPointer"));
  if (exclusive(*rc, {"MaxItems", "MaxItemsPath"}, rloc) && lang == Lang::kJsonPath) {
    if (const json::Value* m = rc->find("MaxItems"))
      check_int(*m, "MaxItems", 0, kMaxItemsLimit, at(rloc, "MaxItems"));
    if (const json::Value* m = rc->find("MaxItemsPath"))
      check_reference_path(*m, Roots::kNoContext, false, at(rloc, "MaxItemsPath"));
  }
}

void Checker::check_item_batcher(const json::Value& v, Lang lang, const std::string& loc) {
  if (!expect_object(v, loc)) return;
  reject_unknown(*this, v,
                 {"MaxItemsPerBatch", "MaxItemsPerBatchPath", "MaxInputBytesPerBatch",
                  "MaxInputBytesPerBatchPath", "BatchInput"},
                 loc);
  if (!v.find("MaxItemsPerBatch") && !v.find("MaxItemsPerBatchPath") && !v.find("MaxInputBytesPerBatch") &&
      !v.find("MaxInputBytesPerBatchPath")) {
    schema(
        "This object should have at least one of the following fields: "
        "[MaxItemsPerBatch, MaxItemsPerBatchPath, MaxInputBytesPerBatch, MaxInputBytesPerBatchPath]",
        loc);
  }
  bool items_ok = exclusive(v, {"MaxItemsPerBatch", "MaxItemsPerBatchPath"}, loc);
  bool bytes_ok = exclusive(v, {"MaxInputBytesPerBatch", "MaxInputBytesPerBatchPath"}, loc);
  if (lang == Lang::kJsonata) return;
  if (const json::Value* m = v.find("MaxItemsPerBatch"); m && items_ok)
    check_int(*m, "MaxItemsPerBatch", 1, {}, at(loc, "MaxItemsPerBatch"));
  if (const json::Value* m = v.find("MaxInputBytesPerBatch"); m && bytes_ok)
    check_int(*m, "MaxInputBytesPerBatch", 1, kMaxInputBytesPerBatch, at(loc, "MaxInputBytesPerBatch"));
  for (std::string_view f : {"MaxItemsPerBatchPath", "MaxInputBytesPerBatchPath"})
    if (const json::Value* p = v.find(f)) check_reference_path(*p, Roots::kNoContext, false, at(loc, f));
  if (const json::Value* b = v.find("BatchInput")) check_template(*b, at(loc, "BatchInput"));
}

void Checker::check_result_writer(const json::Value& v, Lang lang, const std::string& loc) {
  if (!expect_object(v, loc)) return;
  if (v.size() == 0) {
    schema("Value cannot be empty", loc);
    return;
  }
  reject_unknown(*this, v, {"Resource", "Parameters", "Arguments", "WriterConfig"}, loc);
  jsonpath_field_rules(*this, v, lang, "Parameters", "Arguments", loc);
  if (const json::Value* r = v.find("Resource"); r && expect_string(*r, at(loc, "Resource"))) {
    if (!is_s3_arn(r->as_string(), {"putObject"}))
      schema("The field 'Resource' does not match any of the allowed values", at(loc, "Resource"));
    if (lang == Lang::kJsonPath) required({"Parameters"}, v, loc);
  }
  if (const json::Value* p = v.find("Parameters"); p && lang == Lang::kJsonPath)
    check_template(*p, at(loc, "Parameters"));
  if (const json::Value* w = v.find("WriterConfig")) {
    std::string wloc = at(loc, "WriterConfig");
    if (expect_object(*w, wloc)) {
      reject_unknown(*this, *w, {"OutputType", "Transformation"}, wloc);
      if (const json::Value* o = w->find("OutputType"))
        check_enum(*o, {"JSON", "JSONL"}, at(wloc, "OutputType"));
      if (const json::Value* t = w->find("Transformation"))
        check_enum(*t, {"NONE", "COMPACT", "FLATTEN"}, at(wloc, "Transformation"));
    }
  }
}

namespace {

// The first character a Label may not contain, as UTF-8 (empty when the label is fine):
// whitespace, ? * < > { } [ ] : ; , \ | ^ ~ $ # % & ` " and control characters
// (U+0000-U+001F, U+007F-U+009F).
std::string_view bad_label_char(std::string_view s) {
  constexpr std::string_view kForbidden = " ?*<>{}[]:;,\\|^~$#%&`\"";
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == 0x7F || kForbidden.find(static_cast<char>(c)) != std::string_view::npos)
      return s.substr(i, 1);
    if (c == 0xC2 && i + 1 < s.size()) {
      unsigned char d = static_cast<unsigned char>(s[i + 1]);
      if (d >= 0x80 && d <= 0xA0) return s.substr(i, 2);  // U+0080-U+009F controls, U+00A0 no-break space
    }
  }
  return {};
}

}  // namespace

void Checker::check_label(const json::Value& v, const std::string& loc) {
  if (!expect_string(v, loc)) return;
  std::string_view label = v.as_string();
  const char* code = "INVALID_LABEL_NAME";
  if (label.empty()) {
    report(Severity::kError, code, "Label cannot be empty", loc);
  } else if (utf8_length(label) > kMaxLabelLength) {
    report(Severity::kError, code, "Label cannot exceed 40 characters", loc);
  } else if (std::string_view bad = bad_label_char(label); !bad.empty()) {
    report(Severity::kError, code, "Label contains invalid character: '" + std::string(bad) + "'", loc);
  } else if (!labels_.insert(std::string(label)).second) {
    report(Severity::kError, "DUPLICATE_LABEL_NAME", "Duplicate Label name: " + std::string(label), loc);
  }
}

}  // namespace sg::asl::validator_detail
