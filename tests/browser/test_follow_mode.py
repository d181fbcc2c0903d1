"""Follow mode in real browsers: a teacher shares the 2-2-1 network; three students follow on
their own devices (one at phone size, one joining late, one forking a copy of their own)."""

from __future__ import annotations

import re

import httpx
from playwright.sync_api import Page, expect

from tests.support.page import MINUS, idle, network_id, open_page

PHONE = {"width": 390, "height": 844}


def _share(teacher: Page) -> str:
    teacher.click("[data-testid=share]")
    code = teacher.locator("[data-testid=room-code]")
    expect(code).to_have_text(re.compile(r"^[A-Z2-9]{6}$"))
    qr = teacher.locator("[data-testid=share-dialog] img")
    expect(qr).to_have_attribute("src", re.compile(r"/api/rooms/[A-Z2-9]{6}/qr\.svg$"))
    teacher.wait_for_function("img => img.complete && img.naturalWidth > 200",
                              arg=qr.element_handle())
    return code.inner_text()


def _join(student: Page, code: str) -> None:
    student.goto(f"/join/{code}")
    student.wait_for_selector("body[data-ready=true]")
    expect(student.locator("[data-testid=follow-bar]")).to_contain_text(f"Following room {code}")


def test_students_follow_the_teachers_phases_edits_and_training(new_page, server_url: str) -> None:
    teacher = new_page("teacher")
    open_page(teacher)
    code = _share(teacher)
    teacher.click("[data-testid=hide-share]")
    students = [new_page("student-laptop"), new_page("student-phone", PHONE)]
    for student in students:
        _join(student, code)
        # A follower drives nothing: no setup, no phase buttons; keys are refused.
        expect(student.locator("[data-testid=forward]")).to_be_hidden()
        expect(student.locator("[data-testid=preset]")).to_be_hidden()
    teacher.click("[data-testid=share]")
    expect(teacher.locator("[data-testid=followers]")).to_have_text("2", timeout=10_000)
    teacher.click("[data-testid=hide-share]")

    students[0].keyboard.press("f")  # refused: the teacher's network stays at step 0
    expect(students[0].locator("[data-testid=narration]")).to_contain_text("Explore on my own")

    teacher.click("[data-testid=step]")  # forward, backward and update, each relayed
    idle(teacher)
    for student in students:
        student.wait_for_function(
            "() => document.querySelector('[data-testid=step-count]').textContent.includes('1')")
        idle(student)
        # The backward pass's w5 gradient, drawn from the relayed trace: −0.68765 → "−0.688".
        expect(student.locator("[data-testid=network]")).to_contain_text(f"{MINUS}0.688")

    # A late joiner sees the current state (step 1, w5 = 0.1743825).
    late = new_page("student-late")
    _join(late, code)
    state = httpx.get(f"{server_url}/api/rooms/{code}").json()["state"]
    assert state["step"] == 1 and abs(state["weights"][1][0][0] - 0.1743825) < 1e-12
    expect(late.locator("[data-testid=step-count]")).to_contain_text("1")

    # An edit on the teacher's page (the learning rate) reaches everyone.
    teacher.fill("#learning-rate", "0.25")
    teacher.locator("#learning-rate").dispatch_event("change")
    idle(teacher)
    late.wait_for_function("() => document.querySelector('#learning-rate').value === '0.25'")

    # Forking: the student's own copy at the teacher's state, and the teacher's stays put.
    fork = students[0]
    fork.click("[data-testid=fork]")
    fork.wait_for_function("() => !document.body.classList.contains('following')")
    expect(fork.locator("[data-testid=forward]")).to_be_visible()
    teacher_id = network_id(teacher)
    assert network_id(fork) not in ("", teacher_id)
    fork.click("[data-testid=step]")
    idle(fork)
    assert httpx.get(f"{server_url}/api/networks/{teacher_id}").json()["step"] == 1
    assert httpx.get(f"{server_url}/api/networks/{network_id(fork)}").json()["step"] == 2

    # Training on the teacher's page: followers get progress, then the trained state.
    teacher.fill("[data-testid=epochs]", "300")
    teacher.click("[data-testid=train]")
    idle(teacher)
    trained = httpx.get(f"{server_url}/api/networks/{teacher_id}").json()["step"]
    assert trained == 301
    for student in (students[1], late):
        student.wait_for_function(
            "n => document.body.dataset.followStep === String(n)", arg=trained)
        expect(student.locator("[data-testid=train-status]")).not_to_be_empty()

    # Follow again: back to the teacher's network.
    fork.click("[data-testid=refollow]")
    fork.wait_for_function(
        "n => document.body.dataset.followStep === String(n)", arg=trained)

    # The teacher ends follow mode: followers are told.
    teacher.click("[data-testid=share]")
    teacher.click("[data-testid=close-room]")
    for student in (students[1], late):
        expect(student.locator("[data-testid=follow-bar]")).to_contain_text("has ended")


def test_join_page_asks_for_the_code(new_page, server_url: str) -> None:
    student = new_page("join", PHONE)
    student.goto("/join")
    box = student.locator("[data-testid=join-code]")
    expect(box).to_be_visible()
    box.fill("zzz-zzz")
    student.keyboard.press("Enter")
    student.wait_for_url(re.compile(r"/join/ZZZZZZ$"))
    expect(student.locator("[data-testid=follow-bar]")).to_contain_text("has ended")
    student.console_problems.clear()  # the unknown room's 404 is logged by Chromium
