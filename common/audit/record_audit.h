#ifndef CRM_COMMON_AUDIT_RECORD_AUDIT_H_
#define CRM_COMMON_AUDIT_RECORD_AUDIT_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/audit/audit_log.h"

namespace crm::common {

// Writes the audit entry of a change through `store` (a repository's
// transaction-scoped store: anything with
// absl::Status InsertAuditEntry(const crm::common::v1::AuditEntry&)), so it
// commits or rolls back with the change. The entry is MakeAuditEntry's; a
// non-empty `request_id` (the request's own) replaces call.request_id.
template <typename Store>
absl::Status RecordAudit(Store& store, const CallContext& call, std::string_view resource,
                         crm::common::v1::AuditAction action,
                         std::vector<crm::common::v1::FieldChange> changes, absl::Time time,
                         std::string_view reason = "", std::string_view request_id = "") {
  crm::common::v1::AuditEntry entry =
      MakeAuditEntry(call, resource, action, std::move(changes), reason, time);
  if (!request_id.empty()) entry.set_request_id(std::string(request_id));
  return store.InsertAuditEntry(entry);
}

}  // namespace crm::common

#endif  // CRM_COMMON_AUDIT_RECORD_AUDIT_H_
