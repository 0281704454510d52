#ifndef CRM_CUSTOMER_SVC_REPOSITORY_LIFECYCLE_MOVES_H_
#define CRM_CUSTOMER_SVC_REPOSITORY_LIFECYCLE_MOVES_H_

#include <cppconn/connection.h>

#include "absl/status/status.h"
#include "customer_svc/domain/win_back_repository.h"

namespace crm::customer {

// Stores one lifecycle move inside the caller's transaction (the customer row
// must already be locked): the customer's lifecycle_stage, stage_enter_time,
// update_time and version change, a lifecycle_transitions row records from,
// to, time, actor, reason and `automatic`, and an audit entry of the customer
// lists the changed fields. ABORTED when the customer is no longer in
// `move.from`. Throws sql::SQLException like any statement.
absl::Status StoreStageMove(sql::Connection& connection, const StageMove& move);

}  // namespace crm::customer

#endif  // CRM_CUSTOMER_SVC_REPOSITORY_LIFECYCLE_MOVES_H_
