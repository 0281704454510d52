#include "common/audit/audit_log.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>
#include <google/protobuf/util/json_util.h>

#include <memory>
#include <string>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/base/logging.h"

namespace crm::common {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

constexpr std::string_view kBookkeepingFields[] = {"name", "etag", "create_time", "update_time"};

bool IsBookkeeping(const FieldDescriptor& field, bool top_level) {
  if (!top_level) return false;
  for (std::string_view name : kBookkeepingFields) {
    if (field.name() == name) return true;
  }
  return false;
}

// Messages compared field by field rather than as one value.
bool DiffsIntoFields(const FieldDescriptor& field) {
  return !field.is_repeated() && field.cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE &&
         field.message_type()->file()->package() != "google.protobuf";
}

std::string MessageJson(const Message& message) {
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  if (!google::protobuf::util::MessageToJsonString(message, &json, options).ok()) return "";
  return json;
}

std::string ElementJson(const Message& message, const FieldDescriptor& field, int index) {
  const Reflection& r = *message.GetReflection();
  const bool repeated = field.is_repeated();
  switch (field.cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING:
      return absl::StrCat("\"", JsonEscape(repeated ? r.GetRepeatedString(message, &field, index)
                                                             : r.GetString(message, &field)),
                          "\"");
    case FieldDescriptor::CPPTYPE_BOOL:
      return (repeated ? r.GetRepeatedBool(message, &field, index) : r.GetBool(message, &field))
                 ? "true"
                 : "false";
    case FieldDescriptor::CPPTYPE_ENUM:
      return absl::StrCat(
          "\"",
          (repeated ? r.GetRepeatedEnum(message, &field, index) : r.GetEnum(message, &field))->name(),
          "\"");
    case FieldDescriptor::CPPTYPE_INT32:
      return absl::StrCat(repeated ? r.GetRepeatedInt32(message, &field, index)
                                   : r.GetInt32(message, &field));
    case FieldDescriptor::CPPTYPE_INT64:  // proto3 JSON writes 64-bit integers as strings
      return absl::StrCat("\"", repeated ? r.GetRepeatedInt64(message, &field, index)
                                         : r.GetInt64(message, &field), "\"");
    case FieldDescriptor::CPPTYPE_MESSAGE:
      return MessageJson(repeated ? r.GetRepeatedMessage(message, &field, index)
                                  : r.GetMessage(message, &field));
    default:
      return "";
  }
}

// The field's value as proto3 JSON, or "" when it is unset.
std::string FieldJson(const Message& message, const FieldDescriptor& field) {
  const Reflection& r = *message.GetReflection();
  if (field.is_repeated()) {
    const int size = r.FieldSize(message, &field);
    if (size == 0) return "";
    std::vector<std::string> elements;
    for (int i = 0; i < size; ++i) elements.push_back(ElementJson(message, field, i));
    return absl::StrCat("[", absl::StrJoin(elements, ","), "]");
  }
  if (!r.HasField(message, &field)) return "";
  return ElementJson(message, field, 0);
}

void Diff(const Message& before, const Message& after, const std::string& prefix,
          std::vector<crm::common::v1::FieldChange>& changes) {
  const bool top_level = prefix.empty();
  const google::protobuf::Descriptor& descriptor = *before.GetDescriptor();
  for (int i = 0; i < descriptor.field_count(); ++i) {
    const FieldDescriptor& field = *descriptor.field(i);
    if (IsBookkeeping(field, top_level)) continue;
    const std::string path = prefix + field.name();
    if (DiffsIntoFields(field)) {
      const Reflection& r = *before.GetReflection();
      Diff(r.GetMessage(before, &field), r.GetMessage(after, &field), path + ".", changes);
      continue;
    }
    std::string old_json = FieldJson(before, field);
    std::string new_json = FieldJson(after, field);
    if (old_json == new_json) continue;
    crm::common::v1::FieldChange& change = changes.emplace_back();
    change.set_field_path(path);
    change.set_old_value_json(std::move(old_json));
    change.set_new_value_json(std::move(new_json));
  }
}

}  // namespace

std::vector<crm::common::v1::FieldChange> DiffMessages(const Message& before,
                                                       const Message& after) {
  std::vector<crm::common::v1::FieldChange> changes;
  Diff(before, after, "", changes);
  return changes;
}

std::vector<crm::common::v1::FieldChange> DiffFromEmpty(const Message& message) {
  std::unique_ptr<Message> empty(message.New());
  return DiffMessages(*empty, message);
}

}  // namespace crm::common
