#ifndef CRM_CUSTOMER_SVC_DOMAIN_CUSTOMER_MERGE_H_
#define CRM_CUSTOMER_SVC_DOMAIN_CUSTOMER_MERGE_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "crm/customer/v1/customer.pb.h"
#include "crm/customer/v1/duplicate.pb.h"
#include "google/protobuf/repeated_ptr_field.h"

namespace crm::customer {

inline constexpr int kMaxMergedCustomers = 10;

// The Customer fields a merge combines, by field path: kind, display_name,
// organization_key.web_domain, organization_key.tax_id, parent, email, phone,
// postal_address, contacts, tier, needs, source, account_manager. The
// survivor keeps its own lifecycle stage and consents.
const std::vector<std::string_view>& MergeFieldPaths();

// Whether `a` and `b` hold the same value of the merge field `path`.
bool MergeFieldEquals(std::string_view path, const v1::Customer& a, const v1::Customer& b);
// Copies the merge field `path` from `from` to `to`.
void CopyMergeField(std::string_view path, const v1::Customer& from, v1::Customer& to);
// The merge field's value as proto3 JSON ("" for an empty value).
std::string MergeFieldJson(std::string_view path, const v1::Customer& customer);

// What merging `merged` into `survivor` gives: every merge field takes the
// value of the customer named in `selections` for it, else the survivor's
// non-empty value, else the non-empty value of the most recently updated
// merged customer. A parent that would point at the survivor itself or at a
// merged customer is cleared. `conflicts` lists the fields whose non-empty
// values differ among the customers, with the customer whose value is kept.
struct MergePlan {
  v1::Customer survivor;
  std::vector<v1::FieldConflict> conflicts;
};

// Validates `selections` (field paths under `field`, e.g. "field_selections[0].field_path",
// and that each source is the survivor or one of the merged) and plans the merge.
absl::StatusOr<MergePlan> PlanMerge(
    const v1::Customer& survivor, const std::vector<v1::Customer>& merged,
    const google::protobuf::RepeatedPtrField<v1::FieldSelection>& selections);

// The merge fields the merge changed on the survivor (before != after).
std::vector<std::string_view> ChangedMergeFields(const v1::Customer& before,
                                                 const v1::Customer& after);

// Undoes the merge's field changes on `current` (the survivor now): each
// field that differs between `before` and `after` gets its `before` value
// back. When such a field was changed again since the merge (current != after)
// the result is FAILED_PRECONDITION naming the field; fields the merge did not
// touch keep their current (possibly later) values.
absl::Status RestoreMergedFields(std::string_view survivor_name, const v1::Customer& before,
                                 const v1::Customer& after, v1::Customer& current);

}  // namespace crm::customer

#endif  // CRM_CUSTOMER_SVC_DOMAIN_CUSTOMER_MERGE_H_
