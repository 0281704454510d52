#include "customer_svc/domain/employee_rules.h"

#include <algorithm>
#include <cstdint>
#include <tuple>

#include "absl/strings/ascii.h"
#include "absl/strings/str_format.h"
#include "common/api/quote.h"
#include "common/api/resource_name.h"
#include "common/api/split.h"
#include "common/api/validation.h"

namespace crm::customer {
namespace {

using Kind = common::FilterValueKind;

const std::vector<common::FilterField<EmployeeColumn>>& EmployeeFields() {
  static const auto* const fields = new std::vector<common::FilterField<EmployeeColumn>>{
      {"role", EmployeeColumn::kRole, Kind::kEnum, v1::EmployeeRole_descriptor()},
      {"team", EmployeeColumn::kTeam, Kind::kExact},
      {"accepts_assignments", EmployeeColumn::kAcceptsAssignments, Kind::kBool},
      {"display_name", EmployeeColumn::kDisplayName, Kind::kText},
      {"email", EmployeeColumn::kEmail, Kind::kText},
  };
  return *fields;
}

const std::vector<common::FilterField<EmployeeColumn>>& WorkloadFields() {
  static const auto* const fields = new std::vector<common::FilterField<EmployeeColumn>>{
      {"role", EmployeeColumn::kRole, Kind::kEnum, v1::EmployeeRole_descriptor()},
      {"team", EmployeeColumn::kTeam, Kind::kExact},
      {"accepts_assignments", EmployeeColumn::kAcceptsAssignments, Kind::kBool},
  };
  return *fields;
}

const std::vector<common::FilterField<AssignmentColumn>>& AssignmentFields() {
  static const auto* const fields = new std::vector<common::FilterField<AssignmentColumn>>{
      {"employee", AssignmentColumn::kEmployee, Kind::kResource, nullptr, "employees"},
      {"role", AssignmentColumn::kRole, Kind::kEnum, v1::AssignmentRole_descriptor()},
      {"automatic", AssignmentColumn::kAutomatic, Kind::kBool},
      {"end_time", AssignmentColumn::kEndTime, Kind::kTime},
  };
  return *fields;
}

std::string_view TrimSpaces(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  return text;
}

}  // namespace

absl::Status NormalizeEmployee(v1::Employee& employee) {
  common::Validator v;
  v.Check(common::ValidateRequiredText("employee.display_name", employee.display_name(),
                                       kMaxEmployeeNameChars));
  if (employee.email().empty()) {
    v.Check(absl::InvalidArgumentError("employee.email: must be set"));
  } else {
    v.Check(common::ValidateEmail("employee.email", employee.email()));
  }
  v.Check(common::ValidateOptionalPhone("employee.phone", employee.phone()));
  v.Check(common::ValidateEnum("employee.role", employee.role(), *v1::EmployeeRole_descriptor()));
  v.Check(common::ValidateLength("employee.team", employee.team(), 0, kMaxTeamChars));
  v.Check(common::ValidateRange("employee.max_accounts", employee.max_accounts(), 0,
                                kMaxAccountsLimit));
  if (!v.ok()) return v.status();
  employee.set_email(absl::AsciiStrToLower(employee.email()));
  if (!employee.phone().empty()) employee.set_phone(common::NormalizePhone(employee.phone()));
  employee.set_team(std::string(TrimSpaces(employee.team())));
  return absl::OkStatus();
}

void ClearEmployeeOutputOnlyFields(v1::Employee& employee) {
  employee.clear_name();
  employee.clear_etag();
  employee.clear_create_time();
  employee.clear_update_time();
  employee.clear_delete_time();
}

const absl::flat_hash_set<std::string>& EmployeeUpdatablePaths() {
  static const auto* const paths = new absl::flat_hash_set<std::string>{
      "display_name", "email", "phone", "role", "team", "max_accounts", "accepts_assignments"};
  return *paths;
}

absl::StatusOr<std::vector<EmployeeCondition>> ParseEmployeeFilter(std::string_view filter) {
  return common::ResolveFilter<EmployeeColumn>(filter, EmployeeFields());
}

absl::StatusOr<std::vector<EmployeeCondition>> ParseWorkloadFilter(std::string_view filter) {
  return common::ResolveFilter<EmployeeColumn>(filter, WorkloadFields());
}

absl::StatusOr<std::vector<AssignmentCondition>> ParseAssignmentFilter(std::string_view filter,
                                                                       bool& only_ended) {
  only_ended = false;
  absl::StatusOr<std::vector<common::FilterTerm>> terms = common::ParseFilter(filter);
  if (!terms.ok()) return terms.status();
  std::vector<AssignmentCondition> conditions;
  for (const common::FilterTerm& term : *terms) {
    if (term.field == "end_time" && term.op == common::FilterOperator::kHas) {
      if (term.value != "*") {
        return absl::InvalidArgumentError(absl::StrFormat(
            "filter: end_time:%s is not supported; use end_time:* for ended assignments",
            common::QuoteValue(term.value)));
      }
      only_ended = true;
      continue;
    }
    const common::FilterField<AssignmentColumn>* field = nullptr;
    std::vector<std::string_view> known;
    for (const auto& candidate : AssignmentFields()) {
      known.push_back(candidate.name);
      if (candidate.name == term.field) field = &candidate;
    }
    if (field == nullptr) {
      return absl::InvalidArgumentError(common::UnknownFilterFieldMessage(term.field, known));
    }
    absl::StatusOr<common::Match> match = common::ResolveMatch(term, field->kind);
    if (!match.ok()) return match.status();
    auto value = common::ResolveValue(term, field->kind, field->enum_type, field->collection);
    if (!value.ok()) return value.status();
    conditions.push_back({field->column, *match, *std::move(value)});
  }
  return conditions;
}

absl::Status ParseEmployeeOrder(std::string_view order_by, EmployeeOrder& order, bool& descending) {
  std::vector<std::string_view> words;
  for (std::string_view word : common::SplitOn(order_by, ' ')) {
    if (!word.empty()) words.push_back(word);
  }
  order = EmployeeOrder::kDisplayName;
  descending = false;
  if (words.empty()) return absl::OkStatus();
  const bool direction_ok =
      words.size() == 1 || (words.size() == 2 && (words[1] == "desc" || words[1] == "asc"));
  if (direction_ok && words[0] == "display_name") {
    order = EmployeeOrder::kDisplayName;
  } else if (direction_ok && words[0] == "create_time") {
    order = EmployeeOrder::kCreateTime;
  } else {
    return absl::InvalidArgumentError(absl::StrFormat(
        "order_by: %s is not supported (use display_name or create_time, optionally followed by "
        "\" desc\")",
        common::QuoteValue(order_by)));
  }
  descending = words.size() == 2 && words[1] == "desc";
  return absl::OkStatus();
}

absl::StatusOr<v1::AssignmentRole> ResolveAssignmentRole(v1::AssignmentRole role) {
  if (role == v1::ASSIGNMENT_ROLE_UNSPECIFIED) return v1::ASSIGNMENT_ROLE_ACCOUNT_MANAGER;
  if (absl::Status valid = common::ValidateEnum("role", role, *v1::AssignmentRole_descriptor());
      !valid.ok()) {
    return valid;
  }
  return role;
}

int32_t UtilizationBasisPoints(int64_t account_count, int32_t max_accounts) {
  if (max_accounts <= 0) return 0;
  const int64_t points = account_count * 10000 / max_accounts;
  return static_cast<int32_t>(std::min<int64_t>(points, INT32_MAX));
}

v1::Workload MakeWorkload(const WorkloadCounts& counts) {
  v1::Workload workload;
  workload.set_employee(common::FormatResourceName("employees", counts.employee_id));
  workload.set_account_count(static_cast<int32_t>(counts.account_count));
  workload.set_lead_count(static_cast<int32_t>(counts.lead_count));
  workload.set_max_accounts(counts.max_accounts);
  workload.set_utilization_basis_points(
      UtilizationBasisPoints(counts.account_count, counts.max_accounts));
  return workload;
}

bool HasCapacity(const WorkloadCounts& counts) {
  return counts.max_accounts <= 0 || counts.account_count < counts.max_accounts;
}

AutoAssignPlan PlanAutoAssign(const std::vector<int64_t>& customer_ids,
                              std::vector<WorkloadCounts> candidates) {
  AutoAssignPlan plan;
  auto key = [](const WorkloadCounts& c) {
    return std::make_tuple(UtilizationBasisPoints(c.account_count, c.max_accounts), c.account_count,
                           c.employee_id);
  };
  for (int64_t customer_id : customer_ids) {
    WorkloadCounts* best = nullptr;
    for (WorkloadCounts& candidate : candidates) {
      if (!HasCapacity(candidate)) continue;
      if (best == nullptr || key(candidate) < key(*best)) best = &candidate;
    }
    if (best == nullptr) {
      plan.unassigned.push_back(customer_id);
      continue;
    }
    ++best->account_count;
    plan.assignments.emplace_back(customer_id, best->employee_id);
  }
  return plan;
}

}  // namespace crm::customer
