#ifndef CRM_CUSTOMER_SVC_DOMAIN_DUPLICATE_SERVICE_H_
#define CRM_CUSTOMER_SVC_DOMAIN_DUPLICATE_SERVICE_H_

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/server/call_runner.h"
#include "crm/customer/v1/duplicate_service.pb.h"
#include "customer_svc/domain/customer_repository.h"
#include "customer_svc/domain/customer_service.h"
#include "customer_svc/domain/duplicate_repository.h"

namespace crm::customer {

// The rules of crm.customer.v1.DuplicateService, independent of gRPC and SQL.
//
// Merge: in one transaction the merged customers become tombstones
// (delete_time and merged_into set), the survivor takes the planned field
// values (PlanMerge), every child row of the merged customers moves to the
// survivor, and a journal records the survivor before and after, each merged
// customer before, and exactly which rows of which table moved.
//
// Unmerge restores from that journal: the journaled rows move back, the
// merged customers come back exactly as they were before the merge (with a new
// etag and update_time), and the survivor gets back its pre-merge value of
// every field the merge changed. Later changes are kept: rows added to the
// survivor after the merge stay with it, and so do later edits of fields the
// merge did not touch. It fails FAILED_PRECONDITION (changing nothing) when
// the merge cannot be undone exactly: the merge is not MERGED; the survivor is
// deleted or merged again; a tombstone was changed (e.g. undeleted); a field
// the merge changed on the survivor was changed again since; a journaled row
// no longer points at the survivor; or a restored organization key is now
// another live customer's.
class DuplicateService {
 public:
  DuplicateService(DuplicateRepository& duplicates, CustomerRepository& customers, Clock clock);

  absl::Status GetDuplicateRule(const common::CallContext& call,
                                const v1::GetDuplicateRuleRequest& request,
                                v1::GetDuplicateRuleResponse& response);
  absl::Status ListDuplicateRules(const common::CallContext& call,
                                  const v1::ListDuplicateRulesRequest& request,
                                  v1::ListDuplicateRulesResponse& response);
  absl::Status CreateDuplicateRule(const common::CallContext& call,
                                   const v1::CreateDuplicateRuleRequest& request,
                                   v1::CreateDuplicateRuleResponse& response);
  absl::Status UpdateDuplicateRule(const common::CallContext& call,
                                   const v1::UpdateDuplicateRuleRequest& request,
                                   v1::UpdateDuplicateRuleResponse& response);
  absl::Status DeleteDuplicateRule(const common::CallContext& call,
                                   const v1::DeleteDuplicateRuleRequest& request,
                                   v1::DeleteDuplicateRuleResponse& response);
  absl::Status UndeleteDuplicateRule(const common::CallContext& call,
                                     const v1::UndeleteDuplicateRuleRequest& request,
                                     v1::UndeleteDuplicateRuleResponse& response);
  absl::Status FindDuplicates(const common::CallContext& call,
                              const v1::FindDuplicatesRequest& request,
                              v1::FindDuplicatesResponse& response);
  absl::Status PreviewMerge(const common::CallContext& call, const v1::PreviewMergeRequest& request,
                            v1::PreviewMergeResponse& response);
  absl::Status MergeCustomers(const common::CallContext& call,
                              const v1::MergeCustomersRequest& request,
                              v1::MergeCustomersResponse& response);
  absl::Status UnmergeCustomers(const common::CallContext& call,
                                const v1::UnmergeCustomersRequest& request,
                                v1::UnmergeCustomersResponse& response);
  absl::Status GetCustomerMerge(const common::CallContext& call,
                                const v1::GetCustomerMergeRequest& request,
                                v1::GetCustomerMergeResponse& response);
  absl::Status ListCustomerMerges(const common::CallContext& call,
                                  const v1::ListCustomerMergesRequest& request,
                                  v1::ListCustomerMergesResponse& response);

 private:
  // A group of customer ids (oldest first) one rule found.
  struct Group {
    int64_t first_id = 0;  // smallest id: the group's place in the paging order
    std::vector<int64_t> ids;
  };

  absl::Time Now() const;
  absl::Status SetRuleDeleted(const common::CallContext& call, std::string_view name,
                              std::string_view etag, bool deleted, v1::DuplicateRule& result);
  // Groups of `rule` with first_id > after_first_id, at most `limit`, by first_id.
  absl::StatusOr<std::vector<Group>> RuleGroups(const common::CallContext& call,
                                                const v1::DuplicateRule& rule,
                                                std::optional<int64_t> customer_id,
                                                int64_t after_first_id, int limit,
                                                std::map<int64_t, v1::Customer>& cache);
  absl::StatusOr<const v1::Customer*> LoadCustomer(const common::CallContext& call, int64_t id,
                                                   std::map<int64_t, v1::Customer>& cache);

  DuplicateRepository& duplicates_;
  CustomerRepository& customers_;
  Clock clock_;
};

}  // namespace crm::customer

#endif  // CRM_CUSTOMER_SVC_DOMAIN_DUPLICATE_SERVICE_H_
