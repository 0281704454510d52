#include "common/audit/audit_log.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/time_util.h>
#include <google/protobuf/duration.pb.h>
#include <google/protobuf/timestamp.pb.h>

#include <memory>
#include <string>
#include <string_view>

#include "absl/strings/escaping.h"
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

// A direct proto3-JSON writer for CreateChange (MessageToJsonString goes
// through a binary round trip and a type resolver and costs several times
// more, which bulk imports notice): proto field names, fields in declaration
// order, unset fields omitted, 64-bit integers as strings, enums by name,
// bytes as base64, Timestamp and Duration as RFC 3339 / "1.5s" strings. Map,
// float and double fields and the other well-known types are written by
// MessageJson, so the output is always proto3 JSON.
bool NeedsProtobufPrinter(const google::protobuf::Descriptor& descriptor) {
  if (descriptor.file()->package() == "google.protobuf") {
    return descriptor.full_name() != "google.protobuf.Timestamp" &&
           descriptor.full_name() != "google.protobuf.Duration";
  }
  for (int i = 0; i < descriptor.field_count(); ++i) {
    const FieldDescriptor& field = *descriptor.field(i);
    if (field.is_map() || field.cpp_type() == FieldDescriptor::CPPTYPE_FLOAT ||
        field.cpp_type() == FieldDescriptor::CPPTYPE_DOUBLE) {
      return true;
    }
  }
  return false;
}

void AppendMessageJson(const Message& message, bool top_level, std::string& out);

void AppendElementJson(const Message& message, const FieldDescriptor& field, int index,
                       std::string& out) {
  const Reflection& r = *message.GetReflection();
  const bool repeated = field.is_repeated();
  switch (field.cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING: {
      std::string scratch;
      const std::string& text = repeated
                                    ? r.GetRepeatedStringReference(message, &field, index, &scratch)
                                    : r.GetStringReference(message, &field, &scratch);
      out.push_back('"');
      if (field.type() == FieldDescriptor::TYPE_BYTES) {
        out.append(absl::Base64Escape(text));
      } else {
        out.append(JsonEscape(text));
      }
      out.push_back('"');
      return;
    }
    case FieldDescriptor::CPPTYPE_BOOL:
      out.append((repeated ? r.GetRepeatedBool(message, &field, index)
                           : r.GetBool(message, &field))
                     ? "true"
                     : "false");
      return;
    case FieldDescriptor::CPPTYPE_ENUM: {
      const int number = repeated ? r.GetRepeatedEnumValue(message, &field, index)
                                  : r.GetEnumValue(message, &field);
      const google::protobuf::EnumValueDescriptor* value =
          field.enum_type()->FindValueByNumber(number);
      if (value == nullptr) {
        absl::StrAppend(&out, number);
      } else {
        absl::StrAppend(&out, "\"", value->name(), "\"");
      }
      return;
    }
    case FieldDescriptor::CPPTYPE_INT32:
      absl::StrAppend(&out, repeated ? r.GetRepeatedInt32(message, &field, index)
                                     : r.GetInt32(message, &field));
      return;
    case FieldDescriptor::CPPTYPE_UINT32:
      absl::StrAppend(&out, repeated ? r.GetRepeatedUInt32(message, &field, index)
                                     : r.GetUInt32(message, &field));
      return;
    case FieldDescriptor::CPPTYPE_INT64:  // proto3 JSON writes 64-bit integers as strings
      absl::StrAppend(&out, "\"", repeated ? r.GetRepeatedInt64(message, &field, index)
                                            : r.GetInt64(message, &field), "\"");
      return;
    case FieldDescriptor::CPPTYPE_UINT64:
      absl::StrAppend(&out, "\"", repeated ? r.GetRepeatedUInt64(message, &field, index)
                                            : r.GetUInt64(message, &field), "\"");
      return;
    case FieldDescriptor::CPPTYPE_MESSAGE:
      AppendMessageJson(repeated ? r.GetRepeatedMessage(message, &field, index)
                                 : r.GetMessage(message, &field),
                        /*top_level=*/false, out);
      return;
    default:  // float and double never get here (NeedsProtobufPrinter)
      out.append("null");
      return;
  }
}

void AppendMessageJson(const Message& message, bool top_level, std::string& out) {
  const google::protobuf::Descriptor& descriptor = *message.GetDescriptor();
  const std::string& type = descriptor.full_name();
  if (type == "google.protobuf.Timestamp") {
    out.push_back('"');
    out.append(google::protobuf::util::TimeUtil::ToString(
        static_cast<const google::protobuf::Timestamp&>(message)));
    out.push_back('"');
    return;
  }
  if (type == "google.protobuf.Duration") {
    out.push_back('"');
    out.append(google::protobuf::util::TimeUtil::ToString(
        static_cast<const google::protobuf::Duration&>(message)));
    out.push_back('"');
    return;
  }
  if (NeedsProtobufPrinter(descriptor)) {
    if (!top_level) {
      out.append(MessageJson(message));
      return;
    }
    std::unique_ptr<Message> copy(message.New());
    copy->CopyFrom(message);
    for (int i = 0; i < descriptor.field_count(); ++i) {
      if (IsBookkeeping(*descriptor.field(i), true)) {
        copy->GetReflection()->ClearField(copy.get(), descriptor.field(i));
      }
    }
    out.append(MessageJson(*copy));
    return;
  }
  const Reflection& r = *message.GetReflection();
  out.push_back('{');
  bool first = true;
  for (int i = 0; i < descriptor.field_count(); ++i) {
    const FieldDescriptor& field = *descriptor.field(i);
    if (IsBookkeeping(field, top_level)) continue;
    const int size = field.is_repeated() ? r.FieldSize(message, &field)
                                         : (r.HasField(message, &field) ? 1 : 0);
    if (size == 0) continue;
    if (!first) out.push_back(',');
    first = false;
    absl::StrAppend(&out, "\"", field.name(), "\":");
    if (!field.is_repeated()) {
      AppendElementJson(message, field, 0, out);
      continue;
    }
    out.push_back('[');
    for (int index = 0; index < size; ++index) {
      if (index > 0) out.push_back(',');
      AppendElementJson(message, field, index, out);
    }
    out.push_back(']');
  }
  out.push_back('}');
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

crm::common::v1::FieldChange CreateChange(const Message& message) {
  crm::common::v1::FieldChange change;
  std::string json;
  json.reserve(512);
  AppendMessageJson(message, /*top_level=*/true, json);
  change.set_new_value_json(std::move(json));
  return change;
}

std::vector<crm::common::v1::FieldChange> DiffFromEmpty(const Message& message) {
  std::unique_ptr<Message> empty(message.New());
  return DiffMessages(*empty, message);
}

}  // namespace crm::common
