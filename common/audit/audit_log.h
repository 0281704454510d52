#ifndef CRM_COMMON_AUDIT_AUDIT_LOG_H_
#define CRM_COMMON_AUDIT_AUDIT_LOG_H_

// The audit log every service schema has (tables audit_entries and
// audit_field_changes, created by the common migration track): who changed
// which field of which resource from what to what, when, with which request id.

#include <cppconn/connection.h>
#include <google/protobuf/message.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/api/filter_fields.h"
#include "common/mysql/pool.h"
#include "common/server/call_runner.h"
#include "crm/common/v1/audit.pb.h"

namespace crm::common {

// The fields that differ between two versions of a resource, as audit field
// changes with proto3-JSON values ("" for an unset field). Singular
// sub-messages are compared field by field ("organization_key.web_domain");
// repeated fields and timestamps as a whole. Top-level bookkeeping fields
// (name, etag, create_time, update_time) are not reported. Ordered by field
// number. `before` and `after` must be of the same type.
std::vector<crm::common::v1::FieldChange> DiffMessages(const google::protobuf::Message& before,
                                                       const google::protobuf::Message& after);

// Every set field of `message` as a change from "" (for CREATE entries).
std::vector<crm::common::v1::FieldChange> DiffFromEmpty(const google::protobuf::Message& message);

// The one change of a CREATE entry that records the whole created record:
// field_path "" (the resource itself), old_value_json "", new_value_json the
// proto3 JSON of `message` (proto field names, unset fields omitted) without
// the top-level bookkeeping fields DiffMessages skips (name, etag,
// create_time, update_time: the entry's resource and time carry them). One
// audit_field_changes row per created record instead of one per set field,
// which is what makes bulk creation (ImportCustomers) affordable; a reader
// who wants per-field values parses new_value_json. Used by CreateCustomer
// and ImportCustomers; UPDATE entries stay per field (DiffMessages).
crm::common::v1::FieldChange CreateChange(const google::protobuf::Message& message);

// An audit entry for `resource` by the caller of `call` at `time`; the
// request id is `call.request_id`.
crm::common::v1::AuditEntry MakeAuditEntry(const CallContext& call, std::string_view resource,
                                           crm::common::v1::AuditAction action,
                                           std::vector<crm::common::v1::FieldChange> changes,
                                           std::string_view reason, absl::Time time);

// Writes `entry` (and its field changes) on `connection`, inside the caller's
// transaction. Throws sql::SQLException like any statement.
void InsertAuditEntry(sql::Connection& connection, const crm::common::v1::AuditEntry& entry);

// Writes many entries with a few multi-row statements (bulk imports); same
// contract as InsertAuditEntry. Defined in audit_batch.cc.
void InsertAuditEntries(sql::Connection& connection,
                        const std::vector<crm::common::v1::AuditEntry>& entries);

enum class AuditColumn { kAction, kActor, kRequestId, kCreateTime };

// Audit entries newest first (descending id).
struct AuditListQuery {
  std::string resource;  // "" for all; else the resource and its children
  std::vector<Condition<AuditColumn>> conditions;
  std::optional<int64_t> before_id;
  int limit = 50;
};

struct StoredAuditEntry {
  int64_t id = 0;
  crm::common::v1::AuditEntry entry;  // name "auditEntries/{id}"
};

absl::StatusOr<std::vector<StoredAuditEntry>> SelectAuditEntries(MySqlPool& pool,
                                                                 absl::Time deadline,
                                                                 const AuditListQuery& query);

// ListAuditEntries of any service (every service's request has resource,
// page_size, page_token, filter; its response audit_entries and
// next_page_token). `collections` are the top-level collections a resource
// filter may name ("customers", "suppliers", ...). Filter fields: action
// (e.g. UPDATE), actor, request_id, create_time.
template <typename Request, typename Response>
absl::Status ListAuditEntries(MySqlPool& pool, const CallContext& call, const Request& request,
                              Response& response, const std::vector<std::string_view>& collections);

// Implementation details below.
struct AuditListing {
  std::vector<crm::common::v1::AuditEntry> entries;
  std::string next_page_token;
};
absl::StatusOr<AuditListing> ListAuditEntryPage(MySqlPool& pool, const CallContext& call,
                                                std::string_view resource, int32_t page_size,
                                                std::string_view page_token,
                                                std::string_view filter,
                                                const std::vector<std::string_view>& collections);

template <typename Request, typename Response>
absl::Status ListAuditEntries(MySqlPool& pool, const CallContext& call, const Request& request,
                              Response& response, const std::vector<std::string_view>& collections) {
  absl::StatusOr<AuditListing> page =
      ListAuditEntryPage(pool, call, request.resource(), request.page_size(), request.page_token(),
                         request.filter(), collections);
  if (!page.ok()) return page.status();
  for (crm::common::v1::AuditEntry& entry : page->entries) {
    *response.add_audit_entries() = std::move(entry);
  }
  response.set_next_page_token(std::move(page->next_page_token));
  return absl::OkStatus();
}

}  // namespace crm::common

#endif  // CRM_COMMON_AUDIT_AUDIT_LOG_H_
