from django.conf import settings
from django.contrib import admin
from django.urls import path
from rest_framework_simplejwt.views import TokenBlacklistView, TokenRefreshView, TokenVerifyView
from api.views import (SendPasswordResetEmailView, UserChangePasswordView, UserLoginView,
                       UserPasswordResetView, UserProfileView, UserRegistrationView)

urlpatterns = [
    path('admin/', admin.site.urls),
    path('api/user/register/', UserRegistrationView.as_view()),
    path('api/user/login/', UserLoginView.as_view()),
    path('api/user/profile/', UserProfileView.as_view()),
    path('api/user/changepassword/', UserChangePasswordView.as_view()),
    path('api/user/send-reset-password-email/', SendPasswordResetEmailView.as_view()),
    path('api/user/reset-password/<uid>/<token>/', UserPasswordResetView.as_view()),
    path('api/user/token/refresh/', TokenRefreshView.as_view()),
    path('api/user/token/verify/', TokenVerifyView.as_view()),
]
# Not in the seed: with REF_TOKEN_BLACKLIST=1, simplejwt's own blacklist view at jwtauth's URL.
if settings.TOKEN_BLACKLIST:
    urlpatterns.append(path('api/user/token/blacklist/', TokenBlacklistView.as_view()))
