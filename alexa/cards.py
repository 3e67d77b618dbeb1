"""The home card in the Alexa app: what Amazon lets a skill's card hold.

Amazon, "Include a Card in Your Skill's Response" (Alexa Skills Kit documentation,
developer.amazon.com/docs/custom-skills/include-a-card-in-your-skills-response.html):
a Simple or Standard card holds at most 8,000 characters, its title and its content
together.
"""

CARD_MAX_CHARACTERS = 8000


def card_room(title: str) -> int:
    """How many characters of content a card titled ``title`` can hold."""
    return max(CARD_MAX_CHARACTERS - len(title or ""), 0)
