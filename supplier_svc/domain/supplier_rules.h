#ifndef CRM_SUPPLIER_SVC_DOMAIN_SUPPLIER_RULES_H_
#define CRM_SUPPLIER_SVC_DOMAIN_SUPPLIER_RULES_H_

#include <google/protobuf/field_mask.pb.h>

#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/api/calendar_date.h"
#include "common/api/state_machine.h"
#include "crm/supplier/v1/supplier.pb.h"
#include "supplier_svc/domain/supplier_repository.h"

namespace crm::supplier {

// Limits of the Supplier fields (supplier.proto documents them).
inline constexpr size_t kMaxDisplayNameChars = 200;
inline constexpr size_t kMaxLegalNameChars = 200;
inline constexpr size_t kMaxNoteChars = 2000;
inline constexpr size_t kMaxAssessorChars = 128;
inline constexpr size_t kMaxScopeChars = 1000;
inline constexpr size_t kMaxUriChars = 2048;
inline constexpr size_t kMaxReasonChars = 1000;

// The legal status moves (SupplierStatus in supplier.proto): PROSPECTIVE→ACTIVE,
// ACTIVE↔PREFERRED, ACTIVE|PREFERRED→ON_HOLD, ON_HOLD→ACTIVE,
// ACTIVE|PREFERRED|ON_HOLD→CONSOLIDATED, any but CONSOLIDATED→TERMINATED.
const common::StateMachine<v1::SupplierStatus>& SupplierStatusMachine();

// OK when ChangeSupplierStatus may move `supplier` from `from` to `to`:
// CONSOLIDATED is set only by ExecuteConsolidation (FAILED_PRECONDITION saying
// so); other illegal moves are FAILED_PRECONDITION naming both statuses.
absl::Status CheckManualStatusChange(std::string_view supplier, v1::SupplierStatus from,
                                     v1::SupplierStatus to);

// Checks every caller-settable field of `supplier` (paths reported under
// "supplier.") and brings it into its stored form: organization key and
// phones normalized, categories de-duplicated in enum order, integration
// level defaulted to NONE, qualifications in category order. Output-only
// fields are not looked at. The first problem is INVALID_ARGUMENT naming the
// field and why.
absl::Status NormalizeSupplier(v1::Supplier& supplier);

// Sets Qualification.current for `today`: APPROVED or CONDITIONAL and today
// within [valid_from, valid_until] (an unset bound is open).
void MarkCurrentQualifications(v1::Supplier& supplier, const common::CalendarDate& today);

// The Supplier paths UpdateSupplier may change.
const absl::flat_hash_set<std::string>& SupplierUpdatablePaths();

// OK when every path of `mask` may be updated through UpdateSupplier; else
// INVALID_ARGUMENT naming the path (and for status, the RPC that changes it).
absl::Status ValidateSupplierUpdateMask(const google::protobuf::FieldMask& mask);

// Clears what a caller cannot set (name, status, consolidated_into, etag,
// times, Qualification.current).
void ClearOutputOnlyFields(v1::Supplier& supplier);

// ListSuppliers / GetSupplierSummary filters: display_name (= != :, = "acme*"
// for a prefix), status, categories, integration_level (enum names),
// organization_key.web_domain, organization_key.tax_id, consolidated_into
// (suppliers/{id}), relationship_start_date (YYYY-MM-DD, = != < <= > >=),
// postal_address.region_code, create_time (RFC 3339).
absl::StatusOr<std::vector<SupplierCondition>> ParseSupplierFilter(std::string_view filter);

// order_by of ListSuppliers: "display_name" (default), "create_time" or
// "relationship_start_date", each optionally followed by " desc".
absl::Status ParseSupplierOrder(std::string_view order_by, SupplierOrder& order, bool& descending);

// ListSupplierStatusChanges: from_status, to_status, consolidation
// (consolidations/{id}), change_time.
absl::StatusOr<std::vector<StatusChangeCondition>> ParseStatusChangeFilter(
    std::string_view filter);

}  // namespace crm::supplier

#endif  // CRM_SUPPLIER_SVC_DOMAIN_SUPPLIER_RULES_H_
