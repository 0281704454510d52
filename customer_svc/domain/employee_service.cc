#include "customer_svc/domain/employee_service.h"

#include <algorithm>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/api/etag.h"
#include "common/api/field_mask.h"
#include "common/api/fingerprint.h"
#include "common/api/id_page_token.h"
#include "common/api/page_token.h"
#include "common/api/paging.h"
#include "common/api/resource_name.h"
#include "common/api/resource_state.h"
#include "common/api/stored_response.h"
#include "common/api/time_util.h"
#include "common/api/validation.h"
#include "common/audit/audit_log.h"
#include "common/audit/record_audit.h"
#include "customer_svc/domain/employee_rules.h"
#include "customer_svc/domain/resource_references.h"

namespace crm::customer {
namespace {

using crm::common::v1::AuditAction;

constexpr std::string_view kEmployees = "employees";
constexpr std::string_view kCustomers = "customers";

absl::Status InvalidPageToken() {
  return absl::InvalidArgumentError("page_token: invalid or corrupted");
}

// The call as audit entries of an idempotent request record it: with the
// request's request_id (when given) instead of the call's.
common::CallContext WithRequestId(const common::CallContext& call, std::string_view request_id) {
  common::CallContext audited = call;
  if (!request_id.empty()) audited.request_id = std::string(request_id);
  return audited;
}

absl::Status Audit(EmployeeStore& store, const common::CallContext& call, std::string_view resource,
                   AuditAction action, std::vector<crm::common::v1::FieldChange> changes,
                   absl::Time now) {
  return common::RecordAudit(store, call, resource, action, std::move(changes), now);
}

absl::StatusOr<StoredEmployee> LockExistingEmployee(EmployeeStore& store, int64_t id,
                                                    std::string_view name) {
  return common::RequireFound(store.LockEmployee(id), name);
}

absl::StatusOr<StoredEmployee> LockLiveEmployee(EmployeeStore& store, int64_t id,
                                                std::string_view name, std::string_view etag,
                                                std::string_view etag_field) {
  absl::StatusOr<StoredEmployee> stored = LockExistingEmployee(store, id, name);
  if (!stored.ok()) return stored.status();
  if (absl::Status s = common::RequireLiveAtVersion(stored->employee.has_delete_time(), name, etag,
                                                    stored->version, etag_field);
      !s.ok()) {
    return s;
  }
  return stored;
}

absl::Status CheckEmailFree(EmployeeStore& store, const v1::Employee& employee, int64_t self_id) {
  absl::StatusOr<std::optional<int64_t>> owner =
      store.FindLiveEmployeeByEmail(employee.email(), self_id);
  if (!owner.ok()) return owner.status();
  if (owner->has_value()) {
    return absl::AlreadyExistsError(
        absl::StrFormat("employee.email: %s is already the e-mail address of %s", employee.email(),
                        common::FormatResourceName(kEmployees, **owner)));
  }
  return absl::OkStatus();
}

// Writes `updated` over `stored` with an audit entry of the differences.
absl::StatusOr<StoredEmployee> StoreEmployeeChange(EmployeeStore& store,
                                                   const common::CallContext& call,
                                                   const StoredEmployee& stored,
                                                   v1::Employee updated, AuditAction action,
                                                   absl::Time now) {
  *updated.mutable_update_time() = common::ToProtoTimestamp(now);
  std::vector<crm::common::v1::FieldChange> changes =
      common::DiffMessages(stored.employee, updated);
  absl::StatusOr<StoredEmployee> result = store.UpdateEmployee(updated, stored.version);
  if (!result.ok()) return result.status();
  if (absl::Status s = Audit(store, call, updated.name(), action, std::move(changes), now);
      !s.ok()) {
    return s;
  }
  return result;
}

// A live customer, locked.
absl::StatusOr<AssignableCustomer> LockLiveCustomer(EmployeeStore& store, int64_t id) {
  const std::string name = common::FormatResourceName(kCustomers, id);
  absl::StatusOr<std::optional<AssignableCustomer>> customer = store.LockCustomer(id);
  if (!customer.ok()) return customer.status();
  if (!customer->has_value()) {
    return absl::NotFoundError(absl::StrFormat("%s does not exist", name));
  }
  if ((*customer)->deleted) {
    return absl::FailedPreconditionError(
        absl::StrFormat("%s is deleted; undelete it before assigning it", name));
  }
  return **std::move(customer);
}

// Sets the customer's account_manager mirror with an audit entry.
absl::Status MirrorAccountManager(EmployeeStore& store, const common::CallContext& call,
                                  const AssignableCustomer& customer, std::string_view manager,
                                  absl::Time now) {
  if (customer.account_manager == manager) return absl::OkStatus();
  if (absl::Status s = store.SetAccountManager(customer.id, manager, now); !s.ok()) return s;
  v1::Customer before;
  before.set_account_manager(customer.account_manager);
  v1::Customer after;
  after.set_account_manager(std::string(manager));
  return Audit(store, call, common::FormatResourceName(kCustomers, customer.id),
               crm::common::v1::AUDIT_ACTION_UPDATE, common::DiffMessages(before, after), now);
}

// Ends a current assignment with an audit entry; returns it as ended.
absl::StatusOr<v1::Assignment> EndWithAudit(EmployeeStore& store, const common::CallContext& call,
                                            const StoredAssignment& stored, absl::Time now) {
  if (absl::Status s = store.EndAssignment(stored.id, now); !s.ok()) return s;
  v1::Assignment ended = stored.assignment;
  *ended.mutable_end_time() = common::ToProtoTimestamp(now);
  if (absl::Status s = Audit(store, call, ended.name(), crm::common::v1::AUDIT_ACTION_UPDATE,
                             common::DiffMessages(stored.assignment, ended), now);
      !s.ok()) {
    return s;
  }
  return ended;
}

// Inserts a current assignment with an audit entry.
absl::StatusOr<StoredAssignment> StartWithAudit(EmployeeStore& store,
                                                const common::CallContext& call,
                                                int64_t customer_id, int64_t employee_id,
                                                v1::AssignmentRole role, bool automatic,
                                                absl::Time now) {
  v1::Assignment assignment;
  assignment.set_employee(common::FormatResourceName(kEmployees, employee_id));
  assignment.set_role(role);
  assignment.set_automatic(automatic);
  *assignment.mutable_start_time() = common::ToProtoTimestamp(now);
  absl::StatusOr<StoredAssignment> stored =
      store.InsertAssignment(customer_id, employee_id, assignment);
  if (!stored.ok()) return stored.status();
  if (absl::Status s =
          Audit(store, call, stored->assignment.name(), crm::common::v1::AUDIT_ACTION_CREATE,
                common::DiffFromEmpty(stored->assignment), now);
      !s.ok()) {
    return s;
  }
  return stored;
}

std::string EmployeeSortValue(const v1::Employee& employee, EmployeeOrder order) {
  if (order == EmployeeOrder::kDisplayName) return employee.display_name();
  return common::FormatMysqlDatetime(common::FromProtoTimestamp(employee.create_time()));
}

}  // namespace

EmployeeService::EmployeeService(EmployeeRepository& repository, Clock clock)
    : repository_(repository), clock_(std::move(clock)) {}

absl::Time EmployeeService::Now() const {
  return absl::FromUnixMicros(absl::ToUnixMicros(clock_()));
}

absl::Status EmployeeService::GetEmployee(const common::CallContext& call,
                                          const v1::GetEmployeeRequest& request,
                                          v1::GetEmployeeResponse& response) {
  absl::StatusOr<int64_t> id = common::ParseResourceId("name", request.name(), kEmployees);
  if (!id.ok()) return id.status();
  absl::StatusOr<std::optional<StoredEmployee>> stored =
      repository_.GetEmployee(call.deadline, *id);
  if (!stored.ok()) return stored.status();
  if (!stored->has_value()) {
    return absl::NotFoundError(absl::StrFormat("%s does not exist", request.name()));
  }
  *response.mutable_employee() = std::move((*stored)->employee);
  return absl::OkStatus();
}

absl::Status EmployeeService::ListEmployees(const common::CallContext& call,
                                            const v1::ListEmployeesRequest& request,
                                            v1::ListEmployeesResponse& response) {
  absl::StatusOr<int> page_size = common::NormalizePageSize(request.page_size());
  if (!page_size.ok()) return page_size.status();
  EmployeeListQuery query;
  absl::StatusOr<std::vector<EmployeeCondition>> conditions = ParseEmployeeFilter(request.filter());
  if (!conditions.ok()) return conditions.status();
  query.conditions = *std::move(conditions);
  if (absl::Status s = ParseEmployeeOrder(request.order_by(), query.order, query.descending);
      !s.ok()) {
    return s;
  }
  query.show_deleted = request.show_deleted();
  query.limit = *page_size + 1;
  const std::string fingerprint = common::PageQueryFingerprint(
      {"ListEmployees", request.filter(), request.order_by(), request.show_deleted() ? "1" : "0"});
  if (!request.page_token().empty()) {
    absl::StatusOr<common::PageCursor> cursor =
        common::DecodePageToken(request.page_token(), fingerprint);
    if (!cursor.ok()) return cursor.status();
    EmployeeCursor after;
    if (cursor->keys.size() != 2 || !absl::SimpleAtoi(cursor->keys[1], &after.id)) {
      return InvalidPageToken();
    }
    after.sort_value = cursor->keys[0];
    if (query.order == EmployeeOrder::kCreateTime &&
        !common::ParseMysqlDatetime(after.sort_value).ok()) {
      return InvalidPageToken();
    }
    query.after = std::move(after);
  }
  absl::StatusOr<std::vector<StoredEmployee>> rows =
      repository_.ListEmployees(call.deadline, query);
  if (!rows.ok()) return rows.status();
  const bool more = common::TrimToPage(*rows, *page_size);
  for (StoredEmployee& row : *rows) *response.add_employees() = row.employee;
  if (more) {
    common::PageCursor next{
        {EmployeeSortValue(rows->back().employee, query.order), std::to_string(rows->back().id)}};
    response.set_next_page_token(common::EncodePageToken(next, fingerprint));
  }
  return absl::OkStatus();
}

absl::Status EmployeeService::CreateEmployee(const common::CallContext& call,
                                             const v1::CreateEmployeeRequest& request,
                                             v1::CreateEmployeeResponse& response) {
  if (absl::Status s = common::ValidateRequestId("request_id", request.request_id()); !s.ok()) {
    return s;
  }
  v1::Employee employee = request.employee();
  ClearEmployeeOutputOnlyFields(employee);
  if (absl::Status s = NormalizeEmployee(employee); !s.ok()) return s;
  const absl::Time now = Now();
  *employee.mutable_create_time() = common::ToProtoTimestamp(now);
  *employee.mutable_update_time() = common::ToProtoTimestamp(now);

  v1::CreateEmployeeRequest fingerprint_request = request;
  fingerprint_request.clear_request_id();
  const common::CallContext audited = WithRequestId(call, request.request_id());
  absl::StatusOr<std::string> stored_response = repository_.TransactOnce(
      call.deadline, "crm.customer.v1.EmployeeService/CreateEmployee", request.request_id(),
      common::DeterministicBytes(fingerprint_request),
      [&](EmployeeStore& store) -> absl::StatusOr<std::string> {
        if (absl::Status s = CheckEmailFree(store, employee, 0); !s.ok()) return s;
        absl::StatusOr<StoredEmployee> stored = store.InsertEmployee(employee);
        if (!stored.ok()) return stored.status();
        if (absl::Status s =
                Audit(store, audited, stored->employee.name(), crm::common::v1::AUDIT_ACTION_CREATE,
                      common::DiffFromEmpty(stored->employee), now);
            !s.ok()) {
          return s;
        }
        v1::CreateEmployeeResponse created;
        *created.mutable_employee() = std::move(stored->employee);
        return created.SerializeAsString();
      });
  return common::ParseStoredResponse(stored_response, "CreateEmployee", response);
}

absl::Status EmployeeService::UpdateEmployee(const common::CallContext& call,
                                             const v1::UpdateEmployeeRequest& request,
                                             v1::UpdateEmployeeResponse& response) {
  const std::string& name = request.employee().name();
  absl::StatusOr<int64_t> id = common::ParseResourceId("employee.name", name, kEmployees);
  if (!id.ok()) return id.status();
  if (absl::Status s = common::ValidateUpdateMask(
          request.update_mask(), *v1::Employee::descriptor(), EmployeeUpdatablePaths());
      !s.ok()) {
    return s;
  }
  const absl::Time now = Now();
  return repository_.Transact(call.deadline, [&](EmployeeStore& store) -> absl::Status {
    absl::StatusOr<StoredEmployee> stored =
        LockLiveEmployee(store, *id, name, request.employee().etag(), "employee.etag");
    if (!stored.ok()) return stored.status();
    v1::Employee updated = stored->employee;
    if (absl::Status s = common::ApplyUpdateMask(request.employee(), request.update_mask(),
                                                 EmployeeUpdatablePaths(), &updated);
        !s.ok()) {
      return s;
    }
    if (absl::Status s = NormalizeEmployee(updated); !s.ok()) return s;
    if (common::DiffMessages(stored->employee, updated).empty()) {
      *response.mutable_employee() = std::move(stored->employee);
      return absl::OkStatus();
    }
    if (updated.email() != stored->employee.email()) {
      if (absl::Status s = CheckEmailFree(store, updated, *id); !s.ok()) return s;
    }
    absl::StatusOr<StoredEmployee> result = StoreEmployeeChange(
        store, call, *stored, std::move(updated), crm::common::v1::AUDIT_ACTION_UPDATE, now);
    if (!result.ok()) return result.status();
    *response.mutable_employee() = std::move(result->employee);
    return absl::OkStatus();
  });
}

absl::Status EmployeeService::DeleteEmployee(const common::CallContext& call,
                                             const v1::DeleteEmployeeRequest& request,
                                             v1::DeleteEmployeeResponse& response) {
  absl::StatusOr<int64_t> id = common::ParseResourceId("name", request.name(), kEmployees);
  if (!id.ok()) return id.status();
  const absl::Time now = Now();
  return repository_.Transact(call.deadline, [&](EmployeeStore& store) -> absl::Status {
    absl::StatusOr<StoredEmployee> stored =
        LockLiveEmployee(store, *id, request.name(), request.etag(), "etag");
    if (!stored.ok()) return stored.status();
    absl::StatusOr<int64_t> current = store.CountCurrentAssignments(*id);
    if (!current.ok()) return current.status();
    if (*current > 0) {
      return absl::FailedPreconditionError(absl::StrFormat(
          "%s still has %d current customer assignment(s); unassign or reassign them before "
          "deleting the employee",
          request.name(), *current));
    }
    v1::Employee updated = stored->employee;
    *updated.mutable_delete_time() = common::ToProtoTimestamp(now);
    absl::StatusOr<StoredEmployee> result = StoreEmployeeChange(
        store, call, *stored, std::move(updated), crm::common::v1::AUDIT_ACTION_DELETE, now);
    if (!result.ok()) return result.status();
    *response.mutable_employee() = std::move(result->employee);
    return absl::OkStatus();
  });
}

absl::Status EmployeeService::UndeleteEmployee(const common::CallContext& call,
                                               const v1::UndeleteEmployeeRequest& request,
                                               v1::UndeleteEmployeeResponse& response) {
  absl::StatusOr<int64_t> id = common::ParseResourceId("name", request.name(), kEmployees);
  if (!id.ok()) return id.status();
  const absl::Time now = Now();
  return repository_.Transact(call.deadline, [&](EmployeeStore& store) -> absl::Status {
    absl::StatusOr<StoredEmployee> stored = LockExistingEmployee(store, *id, request.name());
    if (!stored.ok()) return stored.status();
    if (absl::Status s = common::RequireDeletedAtVersion(
            stored->employee.has_delete_time(), request.name(), request.etag(), stored->version);
        !s.ok()) {
      return s;
    }
    // Another employee may have taken the e-mail address meanwhile.
    if (absl::Status s = CheckEmailFree(store, stored->employee, *id); !s.ok()) return s;
    v1::Employee updated = stored->employee;
    updated.clear_delete_time();
    absl::StatusOr<StoredEmployee> result = StoreEmployeeChange(
        store, call, *stored, std::move(updated), crm::common::v1::AUDIT_ACTION_UNDELETE, now);
    if (!result.ok()) return result.status();
    *response.mutable_employee() = std::move(result->employee);
    return absl::OkStatus();
  });
}

absl::Status EmployeeService::AssignCustomer(const common::CallContext& call,
                                             const v1::AssignCustomerRequest& request,
                                             v1::AssignCustomerResponse& response) {
  absl::StatusOr<int64_t> customer_id =
      common::ParseResourceId("parent", request.parent(), kCustomers);
  if (!customer_id.ok()) return customer_id.status();
  absl::StatusOr<int64_t> employee_id =
      common::ParseResourceId("employee", request.employee(), kEmployees);
  if (!employee_id.ok()) return employee_id.status();
  absl::StatusOr<v1::AssignmentRole> role = ResolveAssignmentRole(request.role());
  if (!role.ok()) return role.status();
  if (absl::Status s = common::ValidateRequestId("request_id", request.request_id()); !s.ok()) {
    return s;
  }
  const absl::Time now = Now();
  v1::AssignCustomerRequest fingerprint_request = request;
  fingerprint_request.clear_request_id();
  const common::CallContext audited = WithRequestId(call, request.request_id());
  absl::StatusOr<std::string> stored_response = repository_.TransactOnce(
      call.deadline, "crm.customer.v1.EmployeeService/AssignCustomer", request.request_id(),
      common::DeterministicBytes(fingerprint_request),
      [&](EmployeeStore& store) -> absl::StatusOr<std::string> {
        absl::StatusOr<AssignableCustomer> customer = LockLiveCustomer(store, *customer_id);
        if (!customer.ok()) return customer.status();
        absl::StatusOr<StoredEmployee> employee =
            LockExistingEmployee(store, *employee_id, request.employee());
        if (!employee.ok()) return employee.status();
        if (employee->employee.has_delete_time()) {
          return absl::FailedPreconditionError(
              absl::StrFormat("employee: %s is deleted", request.employee()));
        }
        if (!employee->employee.accepts_assignments()) {
          return absl::FailedPreconditionError(absl::StrFormat(
              "employee: %s does not accept assignments (accepts_assignments is false)",
              request.employee()));
        }
        absl::StatusOr<std::vector<StoredAssignment>> current =
            store.LockCurrentAssignments(*customer_id);
        if (!current.ok()) return current.status();
        for (const StoredAssignment& existing : *current) {
          if (existing.employee_id == *employee_id && existing.assignment.role() == *role) {
            return absl::AlreadyExistsError(absl::StrFormat(
                "%s already serves %s as %s (%s)", request.employee(), request.parent(),
                v1::AssignmentRole_Name(*role), existing.assignment.name()));
          }
        }
        if (*role == v1::ASSIGNMENT_ROLE_ACCOUNT_MANAGER) {
          for (const StoredAssignment& existing : *current) {
            if (existing.assignment.role() != v1::ASSIGNMENT_ROLE_ACCOUNT_MANAGER) continue;
            if (absl::Status s = EndWithAudit(store, audited, existing, now).status(); !s.ok()) {
              return s;
            }
          }
        }
        absl::StatusOr<StoredAssignment> started = StartWithAudit(
            store, audited, *customer_id, *employee_id, *role, /*automatic=*/false, now);
        if (!started.ok()) return started.status();
        if (*role == v1::ASSIGNMENT_ROLE_ACCOUNT_MANAGER) {
          if (absl::Status s =
                  MirrorAccountManager(store, audited, *customer, request.employee(), now);
              !s.ok()) {
            return s;
          }
        }
        v1::AssignCustomerResponse assigned;
        *assigned.mutable_assignment() = std::move(started->assignment);
        return assigned.SerializeAsString();
      });
  return common::ParseStoredResponse(stored_response, "AssignCustomer", response);
}

absl::Status EmployeeService::UnassignCustomer(const common::CallContext& call,
                                               const v1::UnassignCustomerRequest& request,
                                               v1::UnassignCustomerResponse& response) {
  absl::StatusOr<std::vector<int64_t>> ids = common::ParseNestedResourceName(
      "name", request.name(), {kCustomers, std::string_view("assignments")});
  if (!ids.ok()) return ids.status();
  const int64_t customer_id = (*ids)[0];
  const int64_t assignment_id = (*ids)[1];
  const absl::Time now = Now();
  return repository_.Transact(call.deadline, [&](EmployeeStore& store) -> absl::Status {
    // Ending an assignment of a deleted customer is allowed: it frees the employee.
    absl::StatusOr<std::optional<AssignableCustomer>> customer = store.LockCustomer(customer_id);
    if (!customer.ok()) return customer.status();
    if (!customer->has_value()) {
      return absl::NotFoundError(absl::StrFormat(
          "%s does not exist", common::FormatResourceName(kCustomers, customer_id)));
    }
    absl::StatusOr<std::optional<StoredAssignment>> stored =
        store.LockAssignment(customer_id, assignment_id);
    if (!stored.ok()) return stored.status();
    if (!stored->has_value()) {
      return absl::NotFoundError(absl::StrFormat("%s does not exist", request.name()));
    }
    if ((*stored)->assignment.has_end_time()) {
      return absl::FailedPreconditionError(absl::StrFormat(
          "%s has already ended; only a current assignment can be ended", request.name()));
    }
    absl::StatusOr<v1::Assignment> ended = EndWithAudit(store, call, **stored, now);
    if (!ended.ok()) return ended.status();
    if (ended->role() == v1::ASSIGNMENT_ROLE_ACCOUNT_MANAGER &&
        (*customer)->account_manager == ended->employee()) {
      if (absl::Status s = MirrorAccountManager(store, call, **customer, "", now); !s.ok()) {
        return s;
      }
    }
    *response.mutable_assignment() = *std::move(ended);
    return absl::OkStatus();
  });
}

absl::Status EmployeeService::ListAssignments(const common::CallContext& call,
                                              const v1::ListAssignmentsRequest& request,
                                              v1::ListAssignmentsResponse& response) {
  AssignmentListQuery query;
  if (request.parent() != "customers/-") {
    absl::StatusOr<int64_t> id = ParseCustomerListParent(request.parent());
    if (!id.ok()) return id.status();
    absl::StatusOr<bool> exists = repository_.CustomerExists(call.deadline, *id);
    if (!exists.ok()) return exists.status();
    if (!*exists)
      return absl::NotFoundError(absl::StrFormat("%s does not exist", request.parent()));
    query.customer_id = *id;
  }
  absl::StatusOr<int> page_size = common::NormalizePageSize(request.page_size());
  if (!page_size.ok()) return page_size.status();
  absl::StatusOr<std::vector<AssignmentCondition>> conditions =
      ParseAssignmentFilter(request.filter(), query.only_ended);
  if (!conditions.ok()) return conditions.status();
  query.conditions = *std::move(conditions);
  query.limit = *page_size + 1;
  const std::string fingerprint =
      common::PageQueryFingerprint({"ListAssignments", request.parent(), request.filter()});
  absl::StatusOr<std::optional<int64_t>> before =
      common::DecodeIdPageToken(request.page_token(), fingerprint);
  if (!before.ok()) return before.status();
  query.before_id = *before;
  absl::StatusOr<std::vector<StoredAssignment>> rows =
      repository_.ListAssignments(call.deadline, query);
  if (!rows.ok()) return rows.status();
  const bool more = common::TrimToPage(*rows, *page_size);
  for (StoredAssignment& row : *rows) *response.add_assignments() = row.assignment;
  if (more) response.set_next_page_token(common::EncodeIdPageToken(rows->back().id, fingerprint));
  return absl::OkStatus();
}

absl::Status EmployeeService::GetWorkload(const common::CallContext& call,
                                          const v1::GetWorkloadRequest& request,
                                          v1::GetWorkloadResponse& response) {
  absl::StatusOr<int64_t> id = common::ParseResourceId("employee", request.employee(), kEmployees);
  if (!id.ok()) return id.status();
  absl::StatusOr<std::optional<WorkloadCounts>> counts =
      repository_.GetWorkload(call.deadline, *id);
  if (!counts.ok()) return counts.status();
  if (!counts->has_value()) {
    return absl::NotFoundError(absl::StrFormat("%s does not exist", request.employee()));
  }
  *response.mutable_workload() = MakeWorkload(**counts);
  return absl::OkStatus();
}

absl::Status EmployeeService::ListWorkloads(const common::CallContext& call,
                                            const v1::ListWorkloadsRequest& request,
                                            v1::ListWorkloadsResponse& response) {
  absl::StatusOr<int> page_size = common::NormalizePageSize(request.page_size());
  if (!page_size.ok()) return page_size.status();
  WorkloadListQuery query;
  absl::StatusOr<std::vector<EmployeeCondition>> conditions = ParseWorkloadFilter(request.filter());
  if (!conditions.ok()) return conditions.status();
  query.conditions = *std::move(conditions);
  query.limit = *page_size + 1;
  const std::string fingerprint = common::PageQueryFingerprint({"ListWorkloads", request.filter()});
  if (!request.page_token().empty()) {
    absl::StatusOr<common::PageCursor> cursor =
        common::DecodePageToken(request.page_token(), fingerprint);
    if (!cursor.ok()) return cursor.status();
    WorkloadCursor after;
    if (cursor->keys.size() != 3 ||
        !absl::SimpleAtoi(cursor->keys[0], &after.utilization_basis_points) ||
        !absl::SimpleAtoi(cursor->keys[1], &after.account_count) ||
        !absl::SimpleAtoi(cursor->keys[2], &after.employee_id)) {
      return InvalidPageToken();
    }
    query.after = after;
  }
  absl::StatusOr<std::vector<WorkloadCounts>> rows =
      repository_.ListWorkloads(call.deadline, query);
  if (!rows.ok()) return rows.status();
  const bool more = common::TrimToPage(*rows, *page_size);
  for (const WorkloadCounts& row : *rows) *response.add_workloads() = MakeWorkload(row);
  if (more) {
    const WorkloadCounts& last = rows->back();
    common::PageCursor next{
        {std::to_string(UtilizationBasisPoints(last.account_count, last.max_accounts)),
         std::to_string(last.account_count), std::to_string(last.employee_id)}};
    response.set_next_page_token(common::EncodePageToken(next, fingerprint));
  }
  return absl::OkStatus();
}

absl::Status EmployeeService::AutoAssign(const common::CallContext& call,
                                         const v1::AutoAssignRequest& request,
                                         v1::AutoAssignResponse& response) {
  if (request.customers_size() > kMaxAutoAssignCustomers) {
    return absl::InvalidArgumentError(
        absl::StrFormat("customers: at most %d per call", kMaxAutoAssignCustomers));
  }
  std::vector<int64_t> listed;
  std::set<int64_t> seen;
  for (int i = 0; i < request.customers_size(); ++i) {
    const std::string field = absl::StrCat("customers[", i, "]");
    absl::StatusOr<int64_t> id = common::ParseResourceId(field, request.customers(i), kCustomers);
    if (!id.ok()) return id.status();
    if (!seen.insert(*id).second) {
      return absl::InvalidArgumentError(
          absl::StrFormat("%s: %s is listed twice", field, request.customers(i)));
    }
    listed.push_back(*id);
  }
  std::sort(listed.begin(), listed.end());  // lock and assign in id order
  if (absl::Status s = common::ValidateLength("team", request.team(), 0, kMaxTeamChars); !s.ok()) {
    return s;
  }
  if (absl::Status s = common::ValidateRequestId("request_id", request.request_id()); !s.ok()) {
    return s;
  }
  const absl::Time now = Now();
  v1::AutoAssignRequest fingerprint_request = request;
  fingerprint_request.clear_request_id();
  const common::CallContext audited = WithRequestId(call, request.request_id());
  absl::StatusOr<std::string> stored_response = repository_.TransactOnce(
      call.deadline, "crm.customer.v1.EmployeeService/AutoAssign", request.request_id(),
      common::DeterministicBytes(fingerprint_request),
      [&](EmployeeStore& store) -> absl::StatusOr<std::string> {
        std::vector<int64_t> customer_ids;
        std::vector<AssignableCustomer> customers;
        if (listed.empty()) {
          absl::StatusOr<std::vector<int64_t>> leads = store.LockUnassignedLeads();
          if (!leads.ok()) return leads.status();
          customer_ids = *std::move(leads);
          for (int64_t id : customer_ids) {
            AssignableCustomer customer;
            customer.id = id;
            customers.push_back(customer);
          }
        } else {
          for (int64_t id : listed) {
            absl::StatusOr<AssignableCustomer> customer = LockLiveCustomer(store, id);
            if (!customer.ok()) return customer.status();
            if (!customer->account_manager.empty()) {
              return absl::FailedPreconditionError(absl::StrFormat(
                  "customers: %s already has account manager %s; use AssignCustomer to change it",
                  common::FormatResourceName(kCustomers, id), customer->account_manager));
            }
            customers.push_back(*std::move(customer));
          }
          customer_ids = listed;
        }
        absl::StatusOr<std::vector<WorkloadCounts>> candidates =
            store.LockCandidates({v1::EMPLOYEE_ROLE_SALES_REPRESENTATIVE, request.team()});
        if (!candidates.ok()) return candidates.status();
        AutoAssignPlan plan = PlanAutoAssign(customer_ids, *std::move(candidates));

        v1::AutoAssignResponse result;
        size_t next_customer = 0;
        for (const auto& [customer_id, employee_id] : plan.assignments) {
          while (customers[next_customer].id != customer_id) ++next_customer;
          if (request.dry_run()) {
            // Not saved, so no id: the name only says which customer it is for.
            v1::Assignment& proposed = *result.add_assignments();
            proposed.set_name(absl::StrCat(common::FormatResourceName(kCustomers, customer_id),
                                           "/assignments/-"));
            proposed.set_employee(common::FormatResourceName(kEmployees, employee_id));
            proposed.set_role(v1::ASSIGNMENT_ROLE_ACCOUNT_MANAGER);
            proposed.set_automatic(true);
            *proposed.mutable_start_time() = common::ToProtoTimestamp(now);
            continue;
          }
          absl::StatusOr<StoredAssignment> started =
              StartWithAudit(store, audited, customer_id, employee_id,
                             v1::ASSIGNMENT_ROLE_ACCOUNT_MANAGER, /*automatic=*/true, now);
          if (!started.ok()) return started.status();
          if (absl::Status s =
                  MirrorAccountManager(store, audited, customers[next_customer],
                                       common::FormatResourceName(kEmployees, employee_id), now);
              !s.ok()) {
            return s;
          }
          *result.add_assignments() = std::move(started->assignment);
        }
        for (int64_t customer_id : plan.unassigned) {
          result.add_unassigned_customers(common::FormatResourceName(kCustomers, customer_id));
        }
        return result.SerializeAsString();
      });
  return common::ParseStoredResponse(stored_response, "AutoAssign", response);
}

}  // namespace crm::customer
