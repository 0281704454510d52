#ifndef CRM_CUSTOMER_SVC_REPOSITORY_MYSQL_WIN_BACK_REPOSITORY_H_
#define CRM_CUSTOMER_SVC_REPOSITORY_MYSQL_WIN_BACK_REPOSITORY_H_

#include "common/mysql/pool.h"
#include "customer_svc/domain/win_back_repository.h"

namespace crm::customer {

// WinBackRepository over win_back_campaigns / win_back_attempts
// (migrations/V006...), reading customers and writing lifecycle transitions
// of V001: prepared statements only, keyset pagination only.
class MySqlWinBackRepository final : public WinBackRepository {
 public:
  explicit MySqlWinBackRepository(common::MySqlPool& pool);

  absl::Status Transact(absl::Time deadline,
                        absl::FunctionRef<absl::Status(WinBackStore&)> body) override;
  absl::StatusOr<std::string> TransactOnce(
      absl::Time deadline, std::string_view method, std::string_view request_id,
      std::string_view request_fingerprint,
      absl::FunctionRef<absl::StatusOr<std::string>(WinBackStore&)> body) override;
  absl::StatusOr<std::optional<StoredCampaign>> GetCampaign(absl::Time deadline,
                                                            int64_t id) override;
  absl::StatusOr<std::vector<StoredCampaign>> ListCampaigns(
      absl::Time deadline, const CampaignListQuery& query) override;
  absl::StatusOr<std::optional<StoredAttempt>> GetAttempt(absl::Time deadline, int64_t campaign_id,
                                                          int64_t attempt_id) override;
  absl::StatusOr<std::vector<StoredAttempt>> ListAttempts(absl::Time deadline,
                                                          const AttemptListQuery& query) override;

 private:
  common::MySqlPool& pool_;
};

}  // namespace crm::customer

#endif  // CRM_CUSTOMER_SVC_REPOSITORY_MYSQL_WIN_BACK_REPOSITORY_H_
