#ifndef CRM_CUSTOMER_SVC_DOMAIN_REFERRAL_REPOSITORY_H_
#define CRM_CUSTOMER_SVC_DOMAIN_REFERRAL_REPOSITORY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/api/filter_fields.h"
#include "crm/common/v1/audit.pb.h"
#include "crm/customer/v1/referral.pb.h"
#include "customer_svc/domain/loyalty_repository.h"

namespace crm::customer {

struct StoredReferral {
  int64_t id = 0;
  int64_t customer_id = 0;  // the referrer
  int64_t version = 0;
  v1::Referral referral;  // every field, output-only ones included
};

// A customer as the referral rules see it.
struct ReferralCustomer {
  int64_t id = 0;
  bool deleted = false;
  // When it first became ACTIVE (its first lifecycle transition to ACTIVE, or
  // now-ish when it is ACTIVE without one); nullopt when it never was.
  std::optional<absl::Time> first_active_time;
};

enum class ReferralColumn { kState, kReferredCustomer, kCreateTime };
using ReferralCondition = common::Condition<ReferralColumn>;
enum class ReferralOrder { kCreateTime, kState };

struct ReferralListQuery {
  std::optional<int64_t> customer_id;  // nullopt: every referrer
  std::vector<ReferralCondition> conditions;
  ReferralOrder order = ReferralOrder::kCreateTime;
  bool descending = true;
  std::optional<std::string> after_sort_value;  // DATETIME text or the state number
  int64_t after_id = 0;
  int limit = 50;
};

class ReferralStore {
 public:
  virtual ~ReferralStore() = default;

  // The customer share-locked, or nullopt.
  virtual absl::StatusOr<std::optional<ReferralCustomer>> LockCustomer(int64_t customer_id) = 0;
  virtual absl::StatusOr<std::optional<StoredReferral>> LockReferral(int64_t customer_id,
                                                                     int64_t id) = 0;
  // The referral whose referred customer is `referred_customer_id`, if any.
  virtual absl::StatusOr<std::optional<std::string>> FindReferralOf(
      int64_t referred_customer_id) = 0;
  // Inserts with version 1 (ALREADY_EXISTS when the referred customer is
  // already referred).
  virtual absl::StatusOr<StoredReferral> InsertReferral(int64_t customer_id,
                                                        const v1::Referral& referral) = 0;
  virtual absl::StatusOr<StoredReferral> UpdateReferral(const StoredReferral& stored,
                                                        const v1::Referral& referral) = 0;
  virtual absl::Status InsertAuditEntry(const crm::common::v1::AuditEntry& entry) = 0;
  // The loyalty ledger in the same transaction (for rewards).
  virtual LoyaltyStore& Loyalty() = 0;
};

class ReferralRepository {
 public:
  virtual ~ReferralRepository() = default;

  virtual absl::Status Transact(absl::Time deadline,
                                absl::FunctionRef<absl::Status(ReferralStore&)> body) = 0;
  virtual absl::StatusOr<std::string> TransactOnce(
      absl::Time deadline, std::string_view method, std::string_view request_id,
      std::string_view request_fingerprint,
      absl::FunctionRef<absl::StatusOr<std::string>(ReferralStore&)> body) = 0;
  virtual absl::StatusOr<std::optional<StoredReferral>> GetReferral(absl::Time deadline,
                                                                    int64_t customer_id,
                                                                    int64_t id) = 0;
  virtual absl::StatusOr<std::vector<StoredReferral>> ListReferrals(
      absl::Time deadline, const ReferralListQuery& query) = 0;
};

}  // namespace crm::customer

#endif  // CRM_CUSTOMER_SVC_DOMAIN_REFERRAL_REPOSITORY_H_
