import factory
from allauth.account.models import EmailAddress

from core.models import Organisation, User
from members.models import Member, MemberStatus, Role

PASSWORD = "correct-horse-battery-42"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Kvinnojouren {n}")
    slug = factory.Sequence(lambda n: f"jour-{n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        if create:
            obj.save()
            EmailAddress.objects.get_or_create(user=obj, email=obj.email, defaults={"verified": True, "primary": True})


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    organisation = factory.SubFactory(OrganisationFactory)
    user = factory.SubFactory(UserFactory)
    first_name = factory.Sequence(lambda n: f"Förnamn{n}")
    last_name = factory.Sequence(lambda n: f"Efternamn{n}")
    email = factory.LazyAttribute(lambda m: m.user.email if m.user else f"{m.first_name.lower()}@example.org")
    role = Role.VOLUNTEER
    status = MemberStatus.ACTIVE
