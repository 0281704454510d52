#ifndef CRM_TESTS_PROTOS_CONTRACT_RULES_H_
#define CRM_TESTS_PROTOS_CONTRACT_RULES_H_

// The API rules of DESIGN.md §2 as checks over proto descriptors. Each check
// returns one readable violation per offending element (empty = rule holds),
// so a failing test names exactly what to fix.

#include <algorithm>
#include <array>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "crm/common/v1/annotations.pb.h"
#include "google/protobuf/descriptor.h"

namespace crm::contract {

using Files = std::vector<const google::protobuf::FileDescriptor*>;
using Violations = std::vector<std::string>;

// Mirrors common/server/scopes.h: the scopes a bearer token can carry.
inline constexpr std::array<std::string_view, 8> kKnownScopes = {
    "customers.read", "customers.write", "suppliers.read", "suppliers.write",
    "partners.read",  "partners.write",  "workflows.read", "workflows.run",
};

// Words that mark a field as money: a field whose name is one of them, or ends
// in "_" plus one of them, must be crm.common.v1.Money.
inline constexpr std::array<std::string_view, 8> kMoneyWords = {
    "price", "amount", "amounts", "cost", "costs", "spend", "savings", "revenue",
};

inline constexpr std::string_view kMoneyType = "crm.common.v1.Money";
inline constexpr std::string_view kDateType = "crm.common.v1.Date";
inline constexpr std::string_view kTimestampType = "google.protobuf.Timestamp";
inline constexpr std::string_view kFieldMaskType = "google.protobuf.FieldMask";

namespace internal {

// Concatenates string-like pieces.
template <typename... Pieces>
std::string Cat(const Pieces&... pieces) {
  std::string out;
  (out.append(std::string_view(pieces)), ...);
  return out;
}

inline void ForEachMethod(
    const Files& files,
    const std::function<void(const google::protobuf::MethodDescriptor&)>& visit) {
  for (const auto* file : files) {
    for (int s = 0; s < file->service_count(); ++s) {
      const auto* service = file->service(s);
      for (int m = 0; m < service->method_count(); ++m) visit(*service->method(m));
    }
  }
}

inline void VisitMessageTree(
    const google::protobuf::Descriptor& message,
    const std::function<void(const google::protobuf::Descriptor&)>& visit) {
  visit(message);
  for (int i = 0; i < message.nested_type_count(); ++i) {
    VisitMessageTree(*message.nested_type(i), visit);
  }
}

// Every message of the files, nested ones included.
inline void ForEachMessage(const Files& files,
                           const std::function<void(const google::protobuf::Descriptor&)>& visit) {
  for (const auto* file : files) {
    for (int i = 0; i < file->message_type_count(); ++i) {
      VisitMessageTree(*file->message_type(i), visit);
    }
  }
}

inline void ForEachField(
    const Files& files,
    const std::function<void(const google::protobuf::FieldDescriptor&)>& visit) {
  ForEachMessage(files, [&](const google::protobuf::Descriptor& message) {
    for (int i = 0; i < message.field_count(); ++i) visit(*message.field(i));
  });
}

// Every enum of the files, nested ones included.
inline void ForEachEnum(const Files& files,
                        const std::function<void(const google::protobuf::EnumDescriptor&)>& visit) {
  for (const auto* file : files) {
    for (int i = 0; i < file->enum_type_count(); ++i) visit(*file->enum_type(i));
  }
  ForEachMessage(files, [&](const google::protobuf::Descriptor& message) {
    for (int i = 0; i < message.enum_type_count(); ++i) visit(*message.enum_type(i));
  });
}

inline bool IsSingularOfType(const google::protobuf::FieldDescriptor* field,
                             google::protobuf::FieldDescriptor::Type type) {
  return field != nullptr && !field->is_repeated() && field->type() == type;
}

inline bool IsSingularMessage(const google::protobuf::FieldDescriptor* field,
                              std::string_view full_name) {
  return IsSingularOfType(field, google::protobuf::FieldDescriptor::TYPE_MESSAGE) &&
         field->message_type()->full_name() == full_name;
}

inline bool IsMessageOf(const google::protobuf::FieldDescriptor& field,
                        std::string_view full_name) {
  return field.type() == google::protobuf::FieldDescriptor::TYPE_MESSAGE &&
         field.message_type()->full_name() == full_name;
}

// Requires `message` to have a singular string field `field_name`.
inline void RequireStringField(const google::protobuf::MethodDescriptor& method,
                               const google::protobuf::Descriptor& message,
                               std::string_view field_name, Violations& out) {
  if (!IsSingularOfType(message.FindFieldByName(std::string(field_name)),
                        google::protobuf::FieldDescriptor::TYPE_STRING)) {
    out.push_back(internal::Cat(method.full_name(), ": ", message.full_name(), " has no string ",
                                field_name));
  }
}

// "SpecialPrice" -> "special_price".
inline std::string SnakeCase(std::string_view pascal_case) {
  std::string out;
  for (char c : pascal_case) {
    if (c >= 'A' && c <= 'Z') {
      if (!out.empty()) out.push_back('_');
      out.push_back(static_cast<char>(c - 'A' + 'a'));
    } else {
      out.push_back(c);
    }
  }
  return out;
}

// True for a message field named after its type: `SpecialPrice special_price`
// or `repeated SharedCost shared_costs`.
inline bool HoldsResourceNamedLikeField(const google::protobuf::FieldDescriptor& field) {
  if (field.type() != google::protobuf::FieldDescriptor::TYPE_MESSAGE) return false;
  const std::string type_name = SnakeCase(field.message_type()->name());
  return field.name() == type_name || field.name() == type_name + "s";
}

inline bool NameIsOrEndsWith(std::string_view name, std::string_view word) {
  return name == word || name.ends_with(internal::Cat("_", word));
}

}  // namespace internal

// Every RPC sets (crm.common.v1.required_scope) to a known scope.
inline Violations CheckRequiredScopes(const Files& files) {
  Violations out;
  internal::ForEachMethod(files, [&](const google::protobuf::MethodDescriptor& method) {
    const std::string& scope = method.options().GetExtension(crm::common::v1::required_scope);
    if (scope.empty()) {
      out.push_back(internal::Cat(method.full_name(), ": no required_scope option"));
    } else if (std::find(kKnownScopes.begin(), kKnownScopes.end(), scope) == kKnownScopes.end()) {
      out.push_back(internal::Cat(method.full_name(), ": unknown required_scope \"", scope, "\""));
    }
  });
  return out;
}

// Every Create* RPC and every workflow Start* RPC takes a string request_id.
inline Violations CheckRequestIds(const Files& files) {
  Violations out;
  internal::ForEachMethod(files, [&](const google::protobuf::MethodDescriptor& method) {
    if (method.name().starts_with("Create") || method.name().starts_with("Start")) {
      internal::RequireStringField(method, *method.input_type(), "request_id", out);
    }
  });
  return out;
}

// Every List* RPC takes int32 page_size and string page_token and returns
// string next_page_token.
inline Violations CheckListPagination(const Files& files) {
  Violations out;
  internal::ForEachMethod(files, [&](const google::protobuf::MethodDescriptor& method) {
    if (!method.name().starts_with("List")) return;
    const auto& request = *method.input_type();
    if (!internal::IsSingularOfType(request.FindFieldByName("page_size"),
                                    google::protobuf::FieldDescriptor::TYPE_INT32)) {
      out.push_back(
          internal::Cat(method.full_name(), ": ", request.full_name(), " has no int32 page_size"));
    }
    internal::RequireStringField(method, request, "page_token", out);
    internal::RequireStringField(method, *method.output_type(), "next_page_token", out);
  });
  return out;
}

// Every Update* RPC takes a google.protobuf.FieldMask update_mask.
inline Violations CheckUpdateMasks(const Files& files) {
  Violations out;
  internal::ForEachMethod(files, [&](const google::protobuf::MethodDescriptor& method) {
    if (!method.name().starts_with("Update")) return;
    if (!internal::IsSingularMessage(method.input_type()->FindFieldByName("update_mask"),
                                     kFieldMaskType)) {
      out.push_back(internal::Cat(method.full_name(), ": ", method.input_type()->full_name(),
                                  " has no google.protobuf.FieldMask update_mask"));
    }
  });
  return out;
}

// Every mutable resource (a message with an etag that is not an RPC's
// request or response) has `string name = 1`.
inline Violations CheckEtagResourcesAreNamed(const Files& files) {
  Violations out;
  internal::ForEachMessage(files, [&](const google::protobuf::Descriptor& message) {
    if (message.FindFieldByName("etag") == nullptr || message.name().ends_with("Request") ||
        message.name().ends_with("Response")) {
      return;
    }
    const auto* first = message.FindFieldByNumber(1);
    if (first == nullptr || first->name() != "name" ||
        !internal::IsSingularOfType(first, google::protobuf::FieldDescriptor::TYPE_STRING)) {
      out.push_back(
          internal::Cat(message.full_name(), ": has an etag but field 1 is not `string name`"));
    }
  });
  return out;
}

// Every Delete<X> RPC names a resource X of its package, and takes a string
// etag when X carries one.
inline Violations CheckDeleteEtags(const Files& files) {
  Violations out;
  internal::ForEachMethod(files, [&](const google::protobuf::MethodDescriptor& method) {
    if (!method.name().starts_with("Delete")) return;
    const std::string resource_name =
        internal::Cat(method.file()->package(), ".", method.name().substr(6));
    const auto* resource = method.file()->pool()->FindMessageTypeByName(resource_name);
    if (resource == nullptr) {
      out.push_back(internal::Cat(method.full_name(), ": no resource message ", resource_name));
      return;
    }
    if (resource->FindFieldByName("etag") != nullptr) {
      internal::RequireStringField(method, *method.input_type(), "etag", out);
    }
  });
  return out;
}

// Every enum's zero value is <ENUM>_UNSPECIFIED.
inline Violations CheckEnumZeroValues(const Files& files) {
  Violations out;
  internal::ForEachEnum(files, [&](const google::protobuf::EnumDescriptor& enum_type) {
    const auto* zero = enum_type.FindValueByNumber(0);
    if (zero == nullptr || !zero->name().ends_with("_UNSPECIFIED")) {
      out.push_back(
          internal::Cat(enum_type.full_name(), ": zero value does not end in _UNSPECIFIED"));
    }
  });
  return out;
}

// Fields named for money (price, amount, cost, spend, savings, revenue) are
// crm.common.v1.Money, except fields holding a resource named so (a
// `SpecialPrice special_price`, `repeated SharedCost shared_costs`).
inline Violations CheckMoneyFields(const Files& files) {
  Violations out;
  internal::ForEachField(files, [&](const google::protobuf::FieldDescriptor& field) {
    const bool named_for_money = std::any_of(
        kMoneyWords.begin(), kMoneyWords.end(),
        [&](std::string_view word) { return internal::NameIsOrEndsWith(field.name(), word); });
    if (named_for_money && !internal::IsMessageOf(field, kMoneyType) &&
        !internal::HoldsResourceNamedLikeField(field)) {
      out.push_back(internal::Cat(field.full_name(), ": money field is not ", kMoneyType));
    }
  });
  return out;
}

// Fields named *_time are google.protobuf.Timestamp, and Timestamp fields are
// named *_time (AIP-142).
inline Violations CheckTimeFields(const Files& files) {
  Violations out;
  internal::ForEachField(files, [&](const google::protobuf::FieldDescriptor& field) {
    const bool named_time = field.name().ends_with("_time");
    const bool is_timestamp = internal::IsMessageOf(field, kTimestampType);
    if (named_time && !is_timestamp) {
      out.push_back(internal::Cat(field.full_name(), ": *_time field is not ", kTimestampType));
    } else if (is_timestamp && !named_time) {
      out.push_back(internal::Cat(field.full_name(), ": Timestamp field is not named *_time"));
    }
  });
  return out;
}

// Fields named *_date are crm.common.v1.Date.
inline Violations CheckDateFields(const Files& files) {
  Violations out;
  internal::ForEachField(files, [&](const google::protobuf::FieldDescriptor& field) {
    if (field.name().ends_with("_date") && !internal::IsMessageOf(field, kDateType)) {
      out.push_back(internal::Cat(field.full_name(), ": *_date field is not ", kDateType));
    }
  });
  return out;
}

}  // namespace crm::contract

#endif  // CRM_TESTS_PROTOS_CONTRACT_RULES_H_
