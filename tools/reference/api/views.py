from django.contrib.auth import authenticate
from rest_framework.response import Response
from rest_framework import status
from rest_framework.views import APIView
from accounts.serializers import SendPasswordResetEmailSerializer, UserChangePasswordSerializer, UserLoginSerializer, UserPasswordResetSerializer, UserProfileSerializer, UserRegistrationSerializer
from api.renderers import UserRenderer
from rest_framework_simplejwt.tokens import RefreshToken
from rest_framework.permissions import IsAuthenticated

# Generate Token
def get_tokens_for_user(user):
    refresh = RefreshToken.for_user(user)

    return {
        'refresh': str(refresh),
        'access': str(refresh.access_token),
    }

class UserRegistrationView(APIView):
    renderer_classes = [UserRenderer,]
    def post(self, request, format=None):
        serializer = UserRegistrationSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = serializer.save()
        data = get_tokens_for_user(user)
        return Response(data=data, status=status.HTTP_201_CREATED)
        

class UserLoginView(APIView):
    renderer_classes = [UserRenderer,]
    def post(self, request, format=None):
        serializer = UserLoginSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        email = serializer.data.get('email')
        password = serializer.data.get('password')
        user = authenticate(email=email, password=password)
        if user is not None:
            data = get_tokens_for_user(user)
            return Response(data=data, status=status.HTTP_200_OK)
        else:
            return Response(data={
                'errors': {
                    'non_field_errors': [
                        'email or password is not valid',
                    ],
                },
            }, status=status.HTTP_404_NOT_FOUND)

class UserProfileView(APIView):
    renderer_classes = [UserRenderer,]
    permission_classes = [IsAuthenticated,]
    def get(self, request, format=None):
        serializer = UserProfileSerializer(request.user)
        return Response(data=serializer.data, status=status.HTTP_200_OK)   

class UserChangePasswordView(APIView):
    renderer_classes = [UserRenderer,]
    permission_classes = [IsAuthenticated,]
    def post(self, request, format=None):
        serializer = UserChangePasswordSerializer(
            data=request.data,
            context={
                'user': request.user,
            }   
        )
        serializer.is_valid(raise_exception=True)
        return Response({
            'success': 'password changed successfully',
        }, status=status.HTTP_200_OK)

class SendPasswordResetEmailView(APIView):
    renderer_classes = [UserRenderer,]
    def post(self, request, format=None):
        serializer = SendPasswordResetEmailSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return Response({
            'success': 'password reset link sent successfully, please check your email.',
        }, status=status.HTTP_200_OK)

class UserPasswordResetView(APIView):
    renderer_classes = [UserRenderer,]
    def post(self, request, uid, token, format=None):
        serializer = UserPasswordResetSerializer(
            data=request.data,
            context = {
                'uid': uid,
                'token': token,
            }
        )
        serializer.is_valid(raise_exception=True)
        return Response({
            'success': 'password reset successfully.',
        }, status=status.HTTP_200_OK)
