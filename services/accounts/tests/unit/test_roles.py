from services.accounts import roles


def test_everyone_is_a_listener():
    assert roles.private_roles([]) == ["listener"]
    assert roles.public_roles([]) == ["listener"]


def test_private_roles_list_every_grant_in_a_fixed_order():
    assert roles.private_roles(["admin", "verified", "producer"]) == ["listener", "producer", "verified", "admin"]


def test_public_roles_show_badges_but_never_admin():
    assert roles.public_roles(["admin", "verified", "producer"]) == ["listener", "producer", "verified"]
    assert "admin" not in roles.public_roles(["admin"])
