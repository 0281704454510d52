#ifndef CRM_CUSTOMER_SVC_HANDLERS_ENPS_HANDLER_H_
#define CRM_CUSTOMER_SVC_HANDLERS_ENPS_HANDLER_H_

#include <memory>

#include "common/server/call_runner.h"
#include "crm/customer/v1/enps_service.grpc.pb.h"
#include "customer_svc/domain/enps_service.h"

namespace crm::customer {

// crm.customer.v1.EnpsService over gRPC: each RPC runs the domain method through
// the CallRunner (auth, scope, worker pool). Every RPC is implemented.
class EnpsHandler final : public v1::EnpsService::CallbackService {
 public:
  EnpsHandler(common::CallRunner& runner, std::shared_ptr<EnpsRepository> repository, Clock clock);

  grpc::ServerUnaryReactor* GetEnpsSurvey(grpc::CallbackServerContext* ctx,
                                          const v1::GetEnpsSurveyRequest* request,
                                          v1::GetEnpsSurveyResponse* response) override;
  grpc::ServerUnaryReactor* ListEnpsSurveys(grpc::CallbackServerContext* ctx,
                                            const v1::ListEnpsSurveysRequest* request,
                                            v1::ListEnpsSurveysResponse* response) override;
  grpc::ServerUnaryReactor* CreateEnpsSurvey(grpc::CallbackServerContext* ctx,
                                             const v1::CreateEnpsSurveyRequest* request,
                                             v1::CreateEnpsSurveyResponse* response) override;
  grpc::ServerUnaryReactor* UpdateEnpsSurvey(grpc::CallbackServerContext* ctx,
                                             const v1::UpdateEnpsSurveyRequest* request,
                                             v1::UpdateEnpsSurveyResponse* response) override;
  grpc::ServerUnaryReactor* CloseEnpsSurvey(grpc::CallbackServerContext* ctx,
                                            const v1::CloseEnpsSurveyRequest* request,
                                            v1::CloseEnpsSurveyResponse* response) override;
  grpc::ServerUnaryReactor* SubmitEnpsAnswer(grpc::CallbackServerContext* ctx,
                                             const v1::SubmitEnpsAnswerRequest* request,
                                             v1::SubmitEnpsAnswerResponse* response) override;
  grpc::ServerUnaryReactor* GetEnpsReport(grpc::CallbackServerContext* ctx,
                                          const v1::GetEnpsReportRequest* request,
                                          v1::GetEnpsReportResponse* response) override;

 private:
  common::CallRunner& runner_;
  std::shared_ptr<EnpsRepository> repository_;
  EnpsService service_;
};

}  // namespace crm::customer

#endif  // CRM_CUSTOMER_SVC_HANDLERS_ENPS_HANDLER_H_
