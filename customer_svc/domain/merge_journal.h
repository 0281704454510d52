#ifndef CRM_CUSTOMER_SVC_DOMAIN_MERGE_JOURNAL_H_
#define CRM_CUSTOMER_SVC_DOMAIN_MERGE_JOURNAL_H_

#include <cstdint>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/server/call_runner.h"
#include "crm/customer/v1/duplicate.pb.h"
#include "customer_svc/domain/duplicate_repository.h"

namespace crm::customer {

// The last step of merging customers into a survivor (MergeCustomers, and
// ConvertLead into an existing customer), once the tombstones and the
// survivor's new fields are written: stores `journal` (survivor before and
// after, each member before), moves every child row of `merged_ids` to the
// survivor under it (so UnmergeCustomers can move exactly those back), counts
// the moves and audits the record with `reason`. Returns the stored record.
absl::StatusOr<v1::CustomerMerge> RecordMerge(DuplicateStore& store,
                                              const common::CallContext& call,
                                              const StoredMerge& journal,
                                              const std::vector<int64_t>& merged_ids,
                                              std::string_view reason, absl::Time now);

}  // namespace crm::customer

#endif  // CRM_CUSTOMER_SVC_DOMAIN_MERGE_JOURNAL_H_
