#ifndef CRM_CUSTOMER_SVC_DOMAIN_CUSTOMER_IMPORT_H_
#define CRM_CUSTOMER_SVC_DOMAIN_CUSTOMER_IMPORT_H_

// Decision: an import is atomic as a whole.
//
// The response of ImportCustomers arrives only after the client has closed the
// stream, carries one result per row and is bound to one request_id. So the
// server first reads and validates every row (each with the rules of
// CreateCustomer, NormalizeCustomer), then writes all of them in ONE
// transaction together with the request_id's idempotency record: multi-row
// INSERTs for the created customers, their lifecycle transitions and their
// audit entries, one UPDATE (and audit entry) per customer an upsert changed.
// A row that is invalid or conflicts (taken organization key, missing parent,
// ...) fails alone and is reported with its field; anything that fails the
// transaction itself (database down, a concurrent import taking the same key,
// a cancelled or expired call) leaves nothing written, and the client can
// retry the whole import with the same request_id. A replay of a committed
// import returns its first response and writes nothing.
//
// Concurrency: an import reads and validates its stream at once, then waits
// for one of the process's import write slots (--max_concurrent_imports)
// before it opens its transaction; at its deadline it fails
// DEADLINE_EXCEEDED having written nothing.
//
// Limits: at most kMaxImportRowsPerMessage rows per stream message and
// kMaxImportRows rows per import (the response then stays below gRPC's default
// 4 MB message limit); split larger files into several imports.

#include <cstddef>

#include "absl/status/status.h"
#include "common/server/call_runner.h"
#include "common/server/concurrency_limit.h"
#include "crm/customer/v1/customer_service.pb.h"
#include "customer_svc/domain/customer_repository.h"
#include "customer_svc/domain/customer_service.h"

namespace crm::customer {

inline constexpr int kMaxImportRows = 20000;
inline constexpr int kMaxImportRowsPerMessage = 1000;
inline constexpr size_t kMaxImportRowIdChars = 128;

// CustomerService.ImportCustomers. Modes:
// - CREATE: every valid row becomes a new customer; a row whose organization
//   key belongs to a live customer (or to an earlier row) fails on that key.
// - UPSERT_BY_ORGANIZATION_KEY: a row whose web domain or tax id matches a live
//   customer (or an earlier row of the import) updates it: the fields the row
//   sets replace the stored ones (kind, display_name, organization_key.*,
//   parent, email, phone, tier, postal_address, contacts, needs.tags,
//   needs.text, source); a row that would change the lifecycle stage or the
//   consents fails (TransitionLifecycleStage / SetCustomerConsent do that).
//   Rows matching nothing are created.
// - SKIP_DUPLICATES: rows whose organization key (web domain or tax id)
//   matches a live customer, or that match one under an enabled duplicate
//   rule of DuplicateService (RuleMatches of duplicate_rules.h), are skipped
//   with duplicate_of; so are rows matching an earlier row of the import; the
//   others are created. With enabled rules the import reads the compared
//   fields of every live customer once (rules with an EXACT condition are
//   looked up by its normalized value, FUZZY-only rules compare every pair).
class CustomerImporter {
 public:
  // `write_slots` bounds how many imports write at the same time.
  CustomerImporter(CustomerRepository& repository, Clock clock,
                   common::ConcurrencyLimit& write_slots);

  // Reads the whole stream, then imports it as described above.
  absl::Status ImportCustomers(const common::CallContext& call,
                               common::StreamReader<v1::ImportCustomersRequest>& stream,
                               v1::ImportCustomersResponse& response);

 private:
  CustomerRepository& repository_;
  Clock clock_;
  common::ConcurrencyLimit& write_slots_;
};

}  // namespace crm::customer

#endif  // CRM_CUSTOMER_SVC_DOMAIN_CUSTOMER_IMPORT_H_
