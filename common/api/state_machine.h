#ifndef CRM_COMMON_API_STATE_MACHINE_H_
#define CRM_COMMON_API_STATE_MACHINE_H_

#include <google/protobuf/generated_enum_reflection.h>

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace crm::common {

// The short name of a proto enum value: "ACTIVE" for SUPPLIER_STATUS_ACTIVE
// (the enum's <PREFIX>_UNSPECIFIED value gives the prefix).
template <typename Enum>
std::string ShortEnumName(Enum value) {
  const google::protobuf::EnumDescriptor* descriptor = google::protobuf::GetEnumDescriptor<Enum>();
  const std::string& unspecified = descriptor->value(0)->name();
  const std::string prefix = unspecified.substr(0, unspecified.rfind("UNSPECIFIED"));
  const google::protobuf::EnumValueDescriptor* found = descriptor->FindValueByNumber(value);
  if (found == nullptr) return absl::StrFormat("%d", static_cast<int>(value));
  const std::string& full = found->name();
  return full.rfind(prefix, 0) == 0 ? full.substr(prefix.size()) : full;
}

// The legal moves between the states of a proto enum, as data.
template <typename Enum>
class StateMachine {
 public:
  // `what` names the state in messages ("status", "lifecycle stage").
  StateMachine(std::string_view what, std::initializer_list<std::pair<Enum, Enum>> moves)
      : what_(what), moves_(moves) {}

  bool IsLegal(Enum from, Enum to) const {
    for (const auto& [legal_from, legal_to] : moves_) {
      if (legal_from == from && legal_to == to) return true;
    }
    return false;
  }

  // The states `from` may move to, in enum order.
  std::vector<Enum> LegalNext(Enum from) const {
    std::vector<Enum> states;
    const google::protobuf::EnumDescriptor* descriptor = google::protobuf::GetEnumDescriptor<Enum>();
    for (int i = 0; i < descriptor->value_count(); ++i) {
      const Enum to = static_cast<Enum>(descriptor->value(i)->number());
      if (IsLegal(from, to)) states.push_back(to);
    }
    return states;
  }

  // OK for a legal move; otherwise FAILED_PRECONDITION naming the resource,
  // both states and the moves that are legal from `from`.
  absl::Status Check(std::string_view resource, Enum from, Enum to) const {
    if (IsLegal(from, to)) return absl::OkStatus();
    std::vector<std::string> legal;
    for (Enum state : LegalNext(from)) legal.push_back(ShortEnumName(state));
    return absl::FailedPreconditionError(absl::StrFormat(
        "%s cannot move from %s %s to %s; from %s it can move to %s", resource, what_,
        ShortEnumName(from), ShortEnumName(to), ShortEnumName(from),
        legal.empty() ? "no other " + what_ : absl::StrJoin(legal, ", ")));
  }

 private:
  std::string what_;
  std::vector<std::pair<Enum, Enum>> moves_;
};

}  // namespace crm::common

#endif  // CRM_COMMON_API_STATE_MACHINE_H_
