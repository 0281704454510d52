// The attempt state machine of WinBackService (IsLegalAttemptMove).
#include "customer_svc/domain/win_back_service.h"
#include "gtest/gtest.h"

namespace crm::customer {
namespace {

TEST(WinBackAttemptRulesTest, ForwardMovesOnlyAndFinalStatesStay) {
  using S = v1::WinBackAttemptState;
  EXPECT_TRUE(
      IsLegalAttemptMove(S::WIN_BACK_ATTEMPT_STATE_PENDING, S::WIN_BACK_ATTEMPT_STATE_CONTACTED));
  EXPECT_TRUE(
      IsLegalAttemptMove(S::WIN_BACK_ATTEMPT_STATE_PENDING, S::WIN_BACK_ATTEMPT_STATE_WON_BACK));
  EXPECT_TRUE(
      IsLegalAttemptMove(S::WIN_BACK_ATTEMPT_STATE_CONTACTED, S::WIN_BACK_ATTEMPT_STATE_RESPONDED));
  EXPECT_TRUE(
      IsLegalAttemptMove(S::WIN_BACK_ATTEMPT_STATE_RESPONDED, S::WIN_BACK_ATTEMPT_STATE_DECLINED));
  EXPECT_FALSE(
      IsLegalAttemptMove(S::WIN_BACK_ATTEMPT_STATE_CONTACTED, S::WIN_BACK_ATTEMPT_STATE_PENDING));
  EXPECT_FALSE(
      IsLegalAttemptMove(S::WIN_BACK_ATTEMPT_STATE_RESPONDED, S::WIN_BACK_ATTEMPT_STATE_CONTACTED));
  EXPECT_FALSE(
      IsLegalAttemptMove(S::WIN_BACK_ATTEMPT_STATE_PENDING, S::WIN_BACK_ATTEMPT_STATE_NO_RESPONSE));
  EXPECT_FALSE(
      IsLegalAttemptMove(S::WIN_BACK_ATTEMPT_STATE_WON_BACK, S::WIN_BACK_ATTEMPT_STATE_DECLINED));
  EXPECT_FALSE(
      IsLegalAttemptMove(S::WIN_BACK_ATTEMPT_STATE_DECLINED, S::WIN_BACK_ATTEMPT_STATE_WON_BACK));
}

TEST(WinBackAttemptRulesTest, EveryStateMayStayButOnlyOpenStatesMayMove) {
  for (int from = v1::WinBackAttemptState_MIN; from <= v1::WinBackAttemptState_MAX; ++from) {
    const auto state = static_cast<v1::WinBackAttemptState>(from);
    if (state == v1::WIN_BACK_ATTEMPT_STATE_UNSPECIFIED) continue;
    EXPECT_TRUE(IsLegalAttemptMove(state, state)) << from;
    const bool open = state == v1::WIN_BACK_ATTEMPT_STATE_PENDING ||
                      state == v1::WIN_BACK_ATTEMPT_STATE_CONTACTED ||
                      state == v1::WIN_BACK_ATTEMPT_STATE_RESPONDED;
    const auto final_state = state == v1::WIN_BACK_ATTEMPT_STATE_WON_BACK
                                 ? v1::WIN_BACK_ATTEMPT_STATE_DECLINED
                                 : v1::WIN_BACK_ATTEMPT_STATE_WON_BACK;
    EXPECT_EQ(IsLegalAttemptMove(state, final_state), open) << from;
  }
}

}  // namespace
}  // namespace crm::customer
