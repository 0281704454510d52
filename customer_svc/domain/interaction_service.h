#ifndef CRM_CUSTOMER_SVC_DOMAIN_INTERACTION_SERVICE_H_
#define CRM_CUSTOMER_SVC_DOMAIN_INTERACTION_SERVICE_H_

#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/server/call_runner.h"
#include "crm/customer/v1/interaction_service.pb.h"
#include "customer_svc/domain/customer_service.h"
#include "customer_svc/domain/interaction_repository.h"

namespace crm::customer {

// Limits of the Interaction fields (interaction.proto documents subject and summary).
inline constexpr size_t kMaxInteractionSubjectChars = 200;
inline constexpr size_t kMaxInteractionSummaryChars = 10000;
inline constexpr int kMaxInteractionParticipants = 50;
inline constexpr size_t kMaxParticipantChars = 254;
inline constexpr int kMaxRelatedResources = 20;

// Checks every caller-settable field of `interaction` (reported under
// "interaction."): channel set, direction unset for notes, subject 1-200
// characters, summary at most 10000, participants and related resources
// well-formed, employee "employees/{id}" or empty, occur_time a valid time.
absl::Status ValidateInteraction(const v1::Interaction& interaction);

// The filter of ListInteractions: channel, direction, sentiment (enum names),
// employee (exact), occur_time, create_time (RFC 3339, compared), related_resources
// (= or : an element, "x*" an element prefix).
absl::StatusOr<std::vector<InteractionCondition>> ParseInteractionFilter(std::string_view filter);

// The rules of crm.customer.v1.InteractionService: validation, the timeline
// listing and the changes with their audit entries, each in one transaction.
class InteractionService {
 public:
  InteractionService(InteractionRepository& repository, Clock clock);

  absl::Status GetInteraction(const common::CallContext& call,
                              const v1::GetInteractionRequest& request,
                              v1::GetInteractionResponse& response);
  absl::Status ListInteractions(const common::CallContext& call,
                                const v1::ListInteractionsRequest& request,
                                v1::ListInteractionsResponse& response);
  absl::Status CreateInteraction(const common::CallContext& call,
                                 const v1::CreateInteractionRequest& request,
                                 v1::CreateInteractionResponse& response);
  absl::Status UpdateInteraction(const common::CallContext& call,
                                 const v1::UpdateInteractionRequest& request,
                                 v1::UpdateInteractionResponse& response);
  absl::Status DeleteInteraction(const common::CallContext& call,
                                 const v1::DeleteInteractionRequest& request,
                                 v1::DeleteInteractionResponse& response);
  absl::Status UndeleteInteraction(const common::CallContext& call,
                                   const v1::UndeleteInteractionRequest& request,
                                   v1::UndeleteInteractionResponse& response);

 private:
  // Now, truncated to the microseconds MySQL stores.
  absl::Time Now() const;

  InteractionRepository& repository_;
  Clock clock_;
};

}  // namespace crm::customer

#endif  // CRM_CUSTOMER_SVC_DOMAIN_INTERACTION_SERVICE_H_
